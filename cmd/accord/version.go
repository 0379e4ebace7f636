package main

import "runtime/debug"

// releaseVersion is the version Accord reports in /v1/metadata/version.
const releaseVersion = "0.1.0"

// buildVersion returns the release and, when the binary was built from a VCS checkout, the
// commit.
func buildVersion() string {
	if c := buildCommit(); c != "" {
		return releaseVersion + " (" + c + ")"
	}
	return releaseVersion
}

func buildCommit() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return ""
	}
	for _, s := range info.Settings {
		if s.Key == "vcs.revision" {
			return s.Value
		}
	}
	return ""
}
