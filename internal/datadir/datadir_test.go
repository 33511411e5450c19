package datadir

import (
	"path/filepath"
	"testing"
)

func TestResolve(t *testing.T) {
	tests := []struct {
		name      string
		flag, env string
		xdg, home string
		want      Location
	}{
		{"flag wins", "/flag", "/env", "/xdg", "/home/u", Location{"/flag", FromFlag}},
		{"environment", "", "/env", "/xdg", "/home/u", Location{"/env", FromEnv}},
		{"XDG cache", "", "", "/xdg", "/home/u", Location{"/xdg/nerbench", FromCache}},
		{"home cache", "", "", "", "/home/u", Location{"/home/u/.cache/nerbench", FromCache}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv(Env, tc.env)
			t.Setenv("XDG_CACHE_HOME", tc.xdg)
			t.Setenv("HOME", tc.home)
			got, err := Resolve(tc.flag)
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestResolveNoCache(t *testing.T) {
	t.Setenv(Env, "")
	t.Setenv("XDG_CACHE_HOME", "")
	t.Setenv("HOME", "")
	if got, err := Resolve(""); err == nil {
		t.Errorf("got %v, want an error when neither $XDG_CACHE_HOME nor $HOME is set", got)
	}
}

func TestDataset(t *testing.T) {
	l := Location{Path: "/data", From: FromEnv}
	if got, want := l.Dataset("dane"), filepath.Join("/data", "dane"); got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if got, want := l.String(), "/data (from $NERBENCH_DATA)"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
