package ort

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"

	onnxruntime "github.com/yalue/onnxruntime_go"
)

// LibraryName is the file name of the ONNX Runtime shared library that
// nerbench loads at run time.
const LibraryName = "libonnxruntime.so.1"

// LibraryEnv names the environment variable that, when set, gives the full
// path of the ONNX Runtime shared library.
const LibraryEnv = "ONNXRUNTIME_SHARED_LIBRARY_PATH"

// ErrNoLibrary is wrapped by the error returned when the ONNX Runtime shared
// library cannot be found or loaded.
var ErrNoLibrary = errors.New("ONNX Runtime library not found")

// LibraryCandidates lists, in order, the paths at which nerbench looks for the
// ONNX Runtime shared library:
//
//  1. $ONNXRUNTIME_SHARED_LIBRARY_PATH, when set (the only candidate then);
//  2. libonnxruntime.so.1 in the folder of the running executable, where
//     `make setup` and `make build` put it (bin/);
//  3. $XDG_DATA_HOME/nerbench/lib/libonnxruntime.so.1, with XDG_DATA_HOME
//     defaulting to ~/.local/share.
func LibraryCandidates() []string {
	if p := os.Getenv(LibraryEnv); p != "" {
		return []string{p}
	}
	var out []string
	if exe, err := os.Executable(); err == nil {
		if real, err := filepath.EvalSymlinks(exe); err == nil {
			exe = real
		}
		out = append(out, filepath.Join(filepath.Dir(exe), LibraryName))
	}
	data := os.Getenv("XDG_DATA_HOME")
	if data == "" {
		if home, err := os.UserHomeDir(); err == nil {
			data = filepath.Join(home, ".local", "share")
		}
	}
	if data != "" {
		out = append(out, filepath.Join(data, "nerbench", "lib", LibraryName))
	}
	return out
}

// LibraryPath returns the first of LibraryCandidates that exists. Its error
// wraps ErrNoLibrary and says how to get the library.
func LibraryPath() (string, error) {
	cands := LibraryCandidates()
	for _, p := range cands {
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			return p, nil
		}
	}
	return "", fmt.Errorf("%w: looked for %s; run `make setup` in the nerbench "+
		"repository (it puts %s in bin/, beside the nerbench binary), copy the library to "+
		"$XDG_DATA_HOME/nerbench/lib/, or set %s to its path",
		ErrNoLibrary, strings.Join(cands, ", "), LibraryName, LibraryEnv)
}

var (
	envOnce sync.Once
	envErr  error
	envPath string
)

// initRuntime loads the ONNX Runtime library and creates its environment,
// once per process. The environment lives until the process exits: sessions
// of several models share it, so no Model destroys it.
func initRuntime() (string, error) {
	envOnce.Do(func() {
		if onnxruntime.IsInitialized() {
			envPath = "(initialised elsewhere)"
			return
		}
		envPath, envErr = LibraryPath()
		if envErr != nil {
			return
		}
		onnxruntime.SetSharedLibraryPath(envPath)
		_, err := os.Stat(telemetryPath(sessionFile))
		hadSession := err == nil
		// Fatal only: every error also comes back as a status, and ORT's own
		// log lines (a C++ source path, colour codes) would repeat it raw.
		if err := onnxruntime.InitializeEnvironment(onnxruntime.WithLogLevelFatal()); err != nil {
			envErr = fmt.Errorf("%w: load %s: %w", ErrNoLibrary, envPath, err)
			return
		}
		quietTelemetry(hadSession)
	})
	return envPath, envErr
}

// quietTelemetry turns off ONNX Runtime's telemetry events and removes the
// files that its telemetry SDK (Microsoft's 1DS C++ SDK, "MATSDK") creates
// in $TMPDIR when the environment is created, which every process would
// otherwise leave behind: the trace file mat-debug-<pid>.log (opened by
// log_init in lib/pal/PAL.cpp of microsoft/cpp_client_telemetry) and, when
// this process created it, the session file .ses. The C API has no option
// that stops the files being created, only DisableTelemetryEvents once the
// environment exists; the trace file stays open and is unlinked, so
// nothing stays on disk. A failure here costs only tidiness, so it is not
// an error.
func quietTelemetry(hadSession bool) {
	_ = onnxruntime.DisableTelemetry()
	_ = os.Remove(telemetryPath(fmt.Sprintf("mat-debug-%d.log", os.Getpid())))
	if !hadSession {
		_ = os.Remove(telemetryPath(sessionFile))
	}
}

// sessionFile is the telemetry SDK's session file in $TMPDIR: the time of
// the first launch and a random id, shared by every process.
const sessionFile = ".ses"

// telemetryPath is where the telemetry SDK puts a file called name: in
// $TMPDIR, else /tmp.
func telemetryPath(name string) string {
	dir := os.Getenv("TMPDIR")
	if dir == "" {
		dir = "/tmp"
	}
	return filepath.Join(dir, name)
}

// RuntimeVersion returns the version of the loaded ONNX Runtime library,
// loading it first when needed.
func RuntimeVersion() (string, error) {
	if _, err := initRuntime(); err != nil {
		return "", err
	}
	return onnxruntime.GetVersion(), nil
}

// Init loads the ONNX Runtime library and creates the process's environment
// (once), for adapters that run their own sessions. It returns the path of
// the library.
func Init() (string, error) { return initRuntime() }
