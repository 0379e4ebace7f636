//go:build race

package auth

// raceDetector is on: memory figures include its shadow memory.
const raceDetector = true
