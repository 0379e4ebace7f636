package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"

	"go.yaml.in/yaml/v3"
)

// A repository with many schemas describes them once in accord.yaml, and `accord check`
// without files checks them all, against git history (--git-base) or a registry:
//
//	registry: https://registry.example.com   # optional: without credentials only (registryFor)
//	level: BACKWARD                          # optional default level
//	schemas:
//	  - file: schemas/order.avsc             # relative to the manifest
//	    subject: orders-value                # with a registry: the subject to check against
//	    type: avro                           # optional: from the extension by default
//	    level: FULL_TRANSITIVE               # optional
//	    references:
//	      - name: com.acme.Money
//	        file: schemas/money.avsc         # offline and with --git-base
//	        subject: money-value             # with a registry
//	        version: 1                       # a number or latest

type manifest struct {
	Registry string           `yaml:"registry"`
	Level    string           `yaml:"level"`
	Schemas  []manifestSchema `yaml:"schemas"`
}

type manifestSchema struct {
	File       string              `yaml:"file"`
	Subject    string              `yaml:"subject"`
	Type       string              `yaml:"type"`
	Level      string              `yaml:"level"`
	References []manifestReference `yaml:"references"`
}

type manifestReference struct {
	Name    string `yaml:"name"`
	File    string `yaml:"file"`
	Subject string `yaml:"subject"`
	Version string `yaml:"version"`
}

// fromManifest checks every schema of the manifest.
func (c *checkConfig) fromManifest(ctx context.Context) ([]*checkReport, error) {
	m, err := readManifest(c.manifest, c.readFile)
	if err != nil {
		return nil, err
	}
	base, err := c.registryFor(m)
	if err != nil {
		return nil, err
	}
	if c.gitBase == "" && base == "" {
		return nil, fmt.Errorf("%s: give --git-base REF or a registry (--registry, ACCORD_REGISTRY_URL or registry: in the manifest) to check its schemas against", c.manifest)
	}
	var repo *gitRepo
	if c.gitBase != "" {
		if repo, err = openGitRepo(ctx, c.gitBase, c.files); err != nil {
			return nil, err
		}
	}
	dir := filepath.Dir(c.manifest)
	reports := make([]*checkReport, 0, len(m.Schemas))
	for i, s := range m.Schemas {
		entry, err := c.forManifestSchema(m, s, dir, repo == nil)
		if err != nil {
			return nil, fmt.Errorf("%s: schema %d (%s): %w", c.manifest, i+1, s.File, err)
		}
		entry.client.url = base
		path := filepath.Join(dir, s.File)
		var r *checkReport
		if repo != nil {
			r, err = entry.againstGit(ctx, repo, path)
		} else {
			r, err = entry.againstRegistry(ctx, path)
		}
		if err != nil {
			return nil, err
		}
		reports = append(reports, r)
	}
	return reports, nil
}

// registryFor is the registry the manifest's schemas are checked against: the one of
// --registry or ACCORD_REGISTRY_URL, else the manifest's. The manifest is the repository's,
// and in CI a pull request can change it: the CI's credentials are never sent to the
// registry it names. So with credentials configured (--user, --password, ACCORD_USER,
// ACCORD_PASSWORD), the manifest's registry is refused, and only one given by the command
// line or the environment is used, as Confluent's Maven plugin takes the registry and its
// credentials from the build's configuration only.
func (c *checkConfig) registryFor(m *manifest) (string, error) {
	if c.client.url != "" || m.Registry == "" || c.gitBase != "" {
		return c.client.url, nil
	}
	if c.client.user != "" || c.client.password != "" {
		return "", fmt.Errorf("%s names the registry %s, but credentials are configured (--user, --password, ACCORD_USER or ACCORD_PASSWORD), and they are sent only to a registry given by --registry or ACCORD_REGISTRY_URL: to trust it, give --registry %s", c.manifest, redactedURL(m.Registry), redactedURL(m.Registry))
	}
	return m.Registry, nil
}

// forManifestSchema is the configuration of one schema's check: the command line's, with
// the schema's subject, type, level and references. A --level or --type on the command
// line applies to every schema.
func (c *checkConfig) forManifestSchema(m *manifest, s manifestSchema, dir string, byRegistry bool) (*checkConfig, error) {
	entry := *c
	entry.subject = s.Subject
	if entry.schemaType == "" {
		entry.schemaType = s.Type
	}
	if entry.level == "" {
		entry.level = firstNonEmpty(s.Level, m.Level)
	}
	if byRegistry && s.Subject == "" {
		return nil, errors.New("no subject: checking against a registry needs one")
	}
	entry.references = nil
	for _, ref := range s.References {
		target := filepath.Join(dir, ref.File)
		if byRegistry {
			target = ref.Subject + ":" + firstNonEmpty(ref.Version, "latest")
		}
		switch {
		case ref.Name == "":
			return nil, errors.New("a reference without a name")
		case byRegistry && ref.Subject == "":
			return nil, fmt.Errorf("reference %s: checking against a registry needs its subject (and version)", ref.Name)
		case !byRegistry && ref.File == "":
			return nil, fmt.Errorf("reference %s: checking against git history needs its file", ref.Name)
		}
		entry.references = append(entry.references, reference{ref.Name, target})
	}
	return &entry, nil
}

// readManifest reads a manifest strictly: an unknown key is a mistake worth stopping on.
func readManifest(path string, read func(string) ([]byte, error)) (*manifest, error) {
	text, err := read(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("no files given, and no manifest %s: give the files to check, or write the manifest (see accord check -h)", path)
	}
	if err != nil {
		return nil, err
	}
	dec := yaml.NewDecoder(bytes.NewReader(text))
	dec.KnownFields(true)
	var m manifest
	if err := dec.Decode(&m); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(m.Schemas) == 0 {
		return nil, fmt.Errorf("%s lists no schemas", path)
	}
	for i, s := range m.Schemas {
		if s.File == "" {
			return nil, fmt.Errorf("%s: schema %d has no file", path, i+1)
		}
	}
	return &m, nil
}

func firstNonEmpty(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}
