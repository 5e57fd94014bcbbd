package tuf_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	tuf "github.com/libtuf/libtuf/bindings/go"
)

// python is the interpreter with python-tuf (tests/run.sh exports TUF_TEST_PYTHON; else
// the checkout's venv). Without one the test is skipped and says why.
func python(t *testing.T) string {
	if py := os.Getenv("TUF_TEST_PYTHON"); py != "" {
		return py
	}
	py := filepath.Join(repoDir(t), "target", "pyenv", "bin", "python")
	if _, err := os.Stat(py); err != nil {
		t.Skip("no python-tuf: set TUF_TEST_PYTHON or run tests/run.sh once to create target/pyenv")
	}
	return py
}

// genRepo writes a repository with python-tuf (tests/python/gen_repo.py with args) into a new
// temporary directory and returns its path.
func genRepo(t *testing.T, py string, args []string) string {
	t.Helper()
	repo := filepath.Join(t.TempDir(), "repo")
	cmd := exec.Command(py, append([]string{filepath.Join(repoDir(t), "tests", "python", "gen_repo.py"), repo}, args...)...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("gen_repo.py: %v\n%s", err, out)
	}
	return repo
}

// Repositories written by python-tuf (tests/python/gen_repo.py, the benchmark's workload
// generator): every sample target is downloaded byte-identical over HTTP.
func TestGeneratedRepositories(t *testing.T) {
	py := python(t)
	for _, args := range [][]string{
		{"--workload", "hashbins", "--bins", "16", "--targets", "64", "--bin-style", "succinct"},
		{"--workload", "hashbins", "--bins", "16", "--targets", "64", "--bin-style", "prefixes", "--meta-hashes", "--compact"},
		{"--workload", "rotations", "--rotations", "3"},
		{"--workload", "deep", "--depth", "4"},
	} {
		t.Run(strings.Join(args[1:], "-"), func(t *testing.T) {
			repo := genRepo(t, py, args)
			var workload struct {
				SampleTargets []string `json:"sample_targets"`
			}
			if err := json.Unmarshal(readFile(t, filepath.Join(repo, "workload.json")), &workload); err != nil {
				t.Fatal(err)
			}
			files := map[string][]byte{}
			entries, _ := os.ReadDir(filepath.Join(repo, "targets"))
			for _, e := range entries {
				name := e.Name()[65:] // HASH.NAME
				files[name] = readFile(t, filepath.Join(repo, "targets", e.Name()))
			}
			srv := serveRepo(t, repo)
			dir := t.TempDir()
			u := newUpdater(t, tuf.Config{
				MetadataDir:    filepath.Join(dir, "metadata"),
				MetadataURL:    srv.metadataURL(),
				TargetsDir:     filepath.Join(dir, "targets"),
				TargetsBaseURL: srv.targetsURL(),
				BootstrapRoot:  readFile(t, filepath.Join(repo, "root.json")),
				MaxDelegations: 1024,
			})
			ctx := context.Background()
			if err := u.Refresh(ctx); err != nil {
				t.Fatal(err)
			}
			for _, name := range workload.SampleTargets {
				info, err := u.GetTargetInfo(ctx, name)
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				path, err := u.DownloadTarget(ctx, info, "")
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				if !bytes.Equal(readFile(t, path), files[name]) {
					t.Fatalf("%s: downloaded bytes differ", name)
				}
			}
		})
	}
}
