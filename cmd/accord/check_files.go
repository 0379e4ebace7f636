package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// In CI, `accord check` runs on a tree a pull request controls: its accord.yaml, its file
// names and its symbolic links. So outside plain offline use (files compared with each
// other, nothing sent anywhere), every schema, reference and manifest is read inside the
// repository only: the git work tree the working directory is in, or the working directory
// outside git. A path with ".." that leaves it, or a symbolic link that leads out of it,
// is an error (exit 2), and the file is not read. The reads go through os.Root, which
// resolves links without leaving the root, so a link changed between the check and the
// read cannot lead out either.

// maxSchemaFile bounds a schema file: a pull request could link one to a device or a huge
// file.
const maxSchemaFile = 16 << 20

// repoFiles reads files inside the repository.
type repoFiles struct {
	root *os.Root
	top  string // the repository's root, symbolic links resolved
	cwd  string // the working directory, symbolic links resolved
}

// openRepoFiles opens the repository of the working directory.
func openRepoFiles(ctx context.Context) (*repoFiles, error) {
	cwd, err := os.Getwd()
	if err != nil {
		return nil, err
	}
	if cwd, err = filepath.EvalSymlinks(cwd); err != nil {
		return nil, err
	}
	top := cwd
	if out, err := git(ctx, "", "rev-parse", "--show-toplevel"); err == nil {
		if top, err = filepath.EvalSymlinks(strings.TrimSpace(string(out))); err != nil {
			return nil, err
		}
	}
	root, err := os.OpenRoot(top)
	if err != nil {
		return nil, err
	}
	return &repoFiles{root: root, top: top, cwd: cwd}, nil
}

func (f *repoFiles) close() { f.root.Close() }

// rel is a path as the repository's root names it, with slashes, as git names it in a
// tree; an error when the path leaves the repository.
func (f *repoFiles) rel(path string) (string, error) {
	abs := path
	if !filepath.IsAbs(abs) {
		abs = filepath.Join(f.cwd, path)
	}
	rel, err := filepath.Rel(f.top, filepath.Clean(abs))
	if err != nil || !filepath.IsLocal(rel) {
		// An absolute path may reach the repository through a symbolic link (/tmp on
		// macOS): compare real paths, which is as safe, since the real one is checked.
		if real, err := filepath.EvalSymlinks(filepath.Dir(abs)); err == nil {
			rel, err = filepath.Rel(f.top, filepath.Join(real, filepath.Base(abs)))
			if err == nil && filepath.IsLocal(rel) {
				return filepath.ToSlash(rel), nil
			}
		}
		return "", fmt.Errorf("%s is outside the repository %s: accord check reads files inside it only", path, f.top)
	}
	return filepath.ToSlash(rel), nil
}

// read reads a regular file inside the repository, following symbolic links that stay in it.
func (f *repoFiles) read(path string) ([]byte, error) {
	rel, err := f.rel(path)
	if err != nil {
		return nil, err
	}
	// The clear error first; os.Root below is what guarantees it.
	if real, err := filepath.EvalSymlinks(filepath.Join(f.top, rel)); err == nil {
		if r, err := filepath.Rel(f.top, real); err != nil || !filepath.IsLocal(r) {
			return nil, fmt.Errorf("%s is a symbolic link that leads outside the repository %s: accord check reads files inside it only", path, f.top)
		}
	}
	file, err := f.root.Open(filepath.FromSlash(rel))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, unwrapPathError(err))
	}
	defer file.Close()
	info, err := file.Stat()
	if err != nil {
		return nil, err
	}
	if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file", path)
	}
	text, err := io.ReadAll(io.LimitReader(file, maxSchemaFile+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(text) > maxSchemaFile {
		return nil, fmt.Errorf("%s is larger than %d MiB: not a schema", path, maxSchemaFile>>20)
	}
	return text, nil
}

// unwrapPathError drops the *PathError's own copy of the path, which the caller names.
func unwrapPathError(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// readFile reads a file the check was given: inside the repository, or anywhere for an
// offline check of files against each other.
func (c *checkConfig) readFile(path string) ([]byte, error) {
	if c.files == nil {
		return os.ReadFile(path)
	}
	return c.files.read(path)
}
