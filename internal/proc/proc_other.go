//go:build !linux && !darwin && !windows

package proc

func lookup(int) (Info, error) { return Info{}, ErrUnsupported }

func executable(int) (string, error) { return "", ErrUnsupported }

func terminal(int) (int, int, bool, error) { return 0, 0, false, ErrUnsupported }
