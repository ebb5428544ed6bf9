package keychain

var platformTooLargeCases = []struct {
	size int
	want bool
}{
	{2560, false}, {2561, true},
}
