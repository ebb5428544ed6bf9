// Command hello prints the version it was built with; the release tests update it.
package main

import "fmt"

var version = "dev"

func main() { fmt.Println("hello " + version) }
