// Package datadir finds the folder that holds the benchmark data.
//
// The folder is, in order of precedence: the --data-dir flag, the
// NERBENCH_DATA environment variable, and the folder nerbench inside the
// user's cache folder ($XDG_CACHE_HOME/nerbench, or ~/.cache/nerbench when
// XDG_CACHE_HOME is unset, as os.UserCacheDir gives it on Linux). Each
// dataset has its own subfolder named after it: <data>/dane, <data>/plank,
// <data>/wikiann, <data>/conll2003.
package datadir

import (
	"fmt"
	"os"
	"path/filepath"
)

// Env is the environment variable that names the data folder.
const Env = "NERBENCH_DATA"

// Where a Location came from.
const (
	FromFlag  = "--data-dir"
	FromEnv   = "$" + Env
	FromCache = "user cache"
)

// Location is a resolved data folder.
type Location struct {
	// Path is the data folder.
	Path string
	// From says which setting gave it: FromFlag, FromEnv or FromCache.
	From string
}

// Resolve returns the data folder: flag when it is not empty, otherwise
// $NERBENCH_DATA when it is set and not empty, otherwise
// os.UserCacheDir()/nerbench. It fails only when no cache folder can be
// determined. The folder need not exist.
func Resolve(flag string) (Location, error) {
	if flag != "" {
		return Location{Path: flag, From: FromFlag}, nil
	}
	if env := os.Getenv(Env); env != "" {
		return Location{Path: env, From: FromEnv}, nil
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		return Location{}, fmt.Errorf("find the data folder: set --data-dir or %s: %w", Env, err)
	}
	return Location{Path: filepath.Join(cache, "nerbench"), From: FromCache}, nil
}

// Dataset returns the folder of dataset name inside the data folder.
func (l Location) Dataset(name string) string {
	return filepath.Join(l.Path, name)
}

// String describes the location for messages, such as
// "/data (from $NERBENCH_DATA)".
func (l Location) String() string {
	return fmt.Sprintf("%s (from %s)", l.Path, l.From)
}
