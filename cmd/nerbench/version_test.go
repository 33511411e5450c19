package main

import (
	"runtime/debug"
	"testing"
)

// TestNerbenchVersion checks the version recorded in result files: the
// stamped version and commit (Makefile -ldflags -X), else the VCS
// information of the build, never a bare "devel" when either is known.
func TestNerbenchVersion(t *testing.T) {
	const full = "0123456789abcdef0123456789abcdef01234567"
	vcs := func(rev, modified string) *debug.BuildInfo {
		return &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: []debug.BuildSetting{
			{Key: "vcs.revision", Value: rev}, {Key: "vcs.modified", Value: modified},
		}}
	}
	tests := []struct {
		name            string
		version, commit string
		info            *debug.BuildInfo
		want            string
	}{
		{name: "stamped describe names the commit", version: "v0.3.0-4-g0123456-dirty", commit: full + "-dirty", info: vcs("", ""), want: "v0.3.0-4-g0123456-dirty"},
		{name: "stamped tag", version: "v0.3.0", commit: full, info: vcs("", ""), want: "v0.3.0 (commit 0123456789ab)"},
		{name: "build info vcs", info: vcs(full, "false"), want: "devel (commit 0123456789ab)"},
		{name: "build info vcs dirty", info: vcs(full, "true"), want: "devel (commit 0123456789ab-dirty)"},
		{name: "module version", info: &debug.BuildInfo{Main: debug.Module{Version: "v1.2.3"}}, want: "v1.2.3"},
		{name: "nothing known", info: &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}}, want: "devel"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			oldV, oldC, oldB := version, commit, buildInfo
			t.Cleanup(func() { version, commit, buildInfo = oldV, oldC, oldB })
			version, commit = tc.version, tc.commit
			buildInfo = func() (*debug.BuildInfo, bool) { return tc.info, true }
			if got := nerbenchVersion(); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}
