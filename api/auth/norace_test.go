//go:build !race

package auth

// raceDetector is off: memory figures are the program's own.
const raceDetector = false
