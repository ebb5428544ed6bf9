package gateway

import "os"

// canPass is false on Windows: named pipes carry no handles, so the bridge copies bytes.
func canPass(*os.File) bool { return false }

// blockAgain has nothing to do on Windows, where stdio is never handed over.
func blockAgain(*os.File) {}
