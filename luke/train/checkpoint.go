package train

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/nerbench/nerbench/internal/atomicfile"
)

// Checkpoint file names inside a run's checkpoint folder.
const (
	LatestFile  = "LATEST"
	StateFile   = "state.json"
	WeightsFile = "weights.safetensors"
	OptimFile   = "optim.safetensors"
)

// SaveCheckpoint writes the checkpoint of st into dir/step-N, N = st.Step:
// write fills a fresh temporary folder (weights and optimizer files), then
// state.json is added, the folder is renamed into place and dir/LATEST is
// rewritten atomically to name it. Older step folders are removed
// afterwards. It returns the checkpoint folder.
func SaveCheckpoint(dir string, st *State, write func(folder string) error) (string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	name := "step-" + strconv.Itoa(st.Step)
	tmp, err := os.MkdirTemp(dir, ".tmp-"+name+"-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp) // a no-op after the rename
	if err := write(tmp); err != nil {
		return "", fmt.Errorf("checkpoint %s: %w", name, err)
	}
	js, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return "", err
	}
	if err := atomicfile.Write(filepath.Join(tmp, StateFile), 0o644, func(w io.Writer) error {
		_, err := w.Write(append(js, '\n'))
		return err
	}); err != nil {
		return "", err
	}
	final := filepath.Join(dir, name)
	if err := os.RemoveAll(final); err != nil {
		return "", err
	}
	if err := os.Rename(tmp, final); err != nil {
		return "", err
	}
	if err := atomicfile.Write(filepath.Join(dir, LatestFile), 0o644, func(w io.Writer) error {
		_, err := io.WriteString(w, name+"\n")
		return err
	}); err != nil {
		return "", err
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return "", err
	}
	for _, e := range entries {
		if e.IsDir() && e.Name() != name && (strings.HasPrefix(e.Name(), "step-") || strings.HasPrefix(e.Name(), ".tmp-step-")) {
			if err := os.RemoveAll(filepath.Join(dir, e.Name())); err != nil {
				return "", err
			}
		}
	}
	return final, nil
}

// Latest returns the checkpoint folder that dir/LATEST names and its state.
// Without LATEST it returns an error wrapping os.ErrNotExist.
func Latest(dir string) (string, *State, error) {
	data, err := os.ReadFile(filepath.Join(dir, LatestFile))
	if err != nil {
		return "", nil, err
	}
	name := strings.TrimSpace(string(data))
	if !strings.HasPrefix(name, "step-") || strings.ContainsAny(name, `/\`) {
		return "", nil, fmt.Errorf("%s: %q is not a step-N folder name", filepath.Join(dir, LatestFile), name)
	}
	folder := filepath.Join(dir, name)
	st, err := ReadState(filepath.Join(folder, StateFile))
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return "", nil, fmt.Errorf("%s names %s, which has no %s", filepath.Join(dir, LatestFile), name, StateFile)
		}
		return "", nil, err
	}
	if want := "step-" + strconv.Itoa(st.Step); want != name {
		return "", nil, fmt.Errorf("%s: step %d in a folder named %s", filepath.Join(folder, StateFile), st.Step, name)
	}
	return folder, st, nil
}
