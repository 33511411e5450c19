package main

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"
)

// version and commit are stamped at link time by the Makefile:
//
//	-ldflags "-X main.version=$(git describe --always --dirty) -X main.commit=$(git rev-parse HEAD)"
//
// When they are empty, the build information is used: the module version,
// and the VCS revision that `go build` records inside a git checkout.
var (
	version = ""
	commit  = ""
)

// buildInfo returns the build information of the binary; tests replace it.
var buildInfo = debug.ReadBuildInfo

// versionInfo returns the version and the full commit the binary was built
// from; either is "" when unknown. The commit carries a "-dirty" suffix when
// the build information says the work tree had changes.
func versionInfo() (ver, rev string) {
	ver, rev = version, commit
	bi, ok := buildInfo()
	if !ok {
		return ver, rev
	}
	if ver == "" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		ver = bi.Main.Version
	}
	if rev == "" {
		var modified bool
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.modified":
				modified = s.Value == "true"
			}
		}
		if rev != "" && modified {
			rev += "-dirty"
		}
	}
	return ver, rev
}

// nerbenchVersion returns the version string recorded in result files: the
// stamped or module version and, when the version does not already name
// it, the commit ("v0.3.0 (commit 0123456789ab)"); "devel" when nothing is
// known.
func nerbenchVersion() string {
	ver, rev := versionInfo()
	short := shortCommit(rev)
	switch {
	case ver == "" && rev == "":
		return "devel"
	case ver == "":
		return "devel (commit " + short + ")"
	case rev == "" || namesCommit(ver, rev):
		return ver
	}
	return ver + " (commit " + short + ")"
}

// namesCommit reports whether ver, a git describe output such as
// "v0.3.0-4-g0123abc-dirty", already names the commit rev.
func namesCommit(ver, rev string) bool {
	h, _ := strings.CutSuffix(rev, "-dirty")
	if len(h) < 7 {
		return false
	}
	return strings.Contains(ver, h[:7])
}

// shortCommit abbreviates a full commit hash to 12 digits, keeping a
// "-dirty" suffix.
func shortCommit(rev string) string {
	h, dirty := strings.CutSuffix(rev, "-dirty")
	if len(h) > 12 {
		h = h[:12]
	}
	if dirty {
		h += "-dirty"
	}
	return h
}

func newVersionCmd(s *streams) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the nerbench version",
		Long: `Print the nerbench version, the commit it was built from, the Go version
and the platform. 'make build' stamps the version (git describe --always
--dirty) and the commit; a plain 'go build' in a git checkout records the
commit too. Result files carry the same version in nerbench_version.`,
		Example: "  nerbench version",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ver, rev := versionInfo()
			if ver == "" {
				ver = "devel"
			}
			if rev == "" {
				rev = "unknown"
			}
			_, err := fmt.Fprintf(s.Out, "nerbench %s\ncommit %s\n%s %s/%s\n", ver, rev, runtime.Version(), runtime.GOOS, runtime.GOARCH)
			return err
		},
	}
}
