package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/accord-registry/accord/api/auth"
)

const passwdUsage = `Usage: accord passwd [--argon2id] [USER] < password

Reads a password from the first line of standard input and prints its hash (bcrypt, or
argon2id with --argon2id) for the users file of accord serve --auth-file. With USER, prints
the file's entry for that user instead:

  printf '%s\n' "$PASSWORD" | accord passwd alice >> users.yaml   # under "users:"

Exit status: 0 printed, 2 bad usage or no password on standard input.

Flags:
`

// passwd prints the hash of a password read from stdin.
func passwd(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("passwd", flag.ContinueOnError)
	fs.SetOutput(stderr)
	setUsage(fs, passwdUsage)
	argon := fs.Bool("argon2id", false, "hash with argon2id instead of bcrypt")
	if err := parseArgs(fs, args, stdout); err != nil {
		return err
	}
	if fs.NArg() > 1 {
		return badUsage(fs, "give at most one USER")
	}
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return err
	}
	password := strings.TrimRight(line, "\r\n")
	if password == "" {
		return badInput(errors.New("no password on standard input"))
	}
	hash, err := auth.HashBcrypt(password)
	if *argon {
		hash, err = auth.HashArgon2id(password)
	}
	if err != nil {
		return err
	}
	if fs.NArg() == 1 {
		_, err = fmt.Fprintf(stdout, "  - name: %q\n    password: %q\n", fs.Arg(0), hash)
		return err
	}
	_, err = fmt.Fprintln(stdout, hash)
	return err
}
