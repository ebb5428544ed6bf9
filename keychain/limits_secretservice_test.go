//go:build !darwin && !windows

package keychain

var platformTooLargeCases = []struct {
	size int
	want bool
}{
	{maxValueBytes, false}, {maxValueBytes + 1, true},
}
