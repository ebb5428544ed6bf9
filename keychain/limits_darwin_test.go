package keychain

// go-keyring refuses a command line over 4096 bytes; the value is base64 in it.
var platformTooLargeCases = []struct {
	size int
	want bool
}{
	{2800, false}, {2900, true}, {3000, true},
}
