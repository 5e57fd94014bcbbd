package tuf_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"

	tuf "github.com/libtuf/libtuf/bindings/go"
)

// multiRepoConfig is examples-c/multirepo-demo (vendor and distro must agree) served at
// base (file:// or an HTTP server's URL).
func multiRepoConfig(t *testing.T, base string) tuf.MultiRepoConfig {
	demo := filepath.Join(repoDir(t), "examples-c", "multirepo-demo")
	mapJSON := bytes.ReplaceAll(readFile(t, filepath.Join(demo, "map.json.in")), []byte("file://@TUF_MULTIREPO_DEMO@"), []byte(base))
	return tuf.MultiRepoConfig{
		ParentDir: t.TempDir(),
		MapJSON:   mapJSON,
		TrustedRoots: map[string][]byte{
			"vendor": readFile(t, filepath.Join(demo, "vendor", "root.json")),
			"distro": readFile(t, filepath.Join(demo, "distro", "root.json")),
		},
	}
}

func TestMultiRepo(t *testing.T) {
	demo := filepath.Join(repoDir(t), "examples-c", "multirepo-demo")
	srv := serveRepo(t, demo)
	for _, base := range []string{"file://" + demo, srv.URL} {
		cfg := multiRepoConfig(t, base)
		var logs bytes.Buffer
		cfg.Settings.Logger = slog.New(slog.NewTextHandler(&logs, nil))
		cfg.TargetsDir = filepath.Join(cfg.ParentDir, "downloads")
		m, err := tuf.NewMultiRepo(cfg)
		if err != nil {
			t.Fatal(err)
		}
		defer m.Close()
		ctx := context.Background()
		if err := m.Refresh(ctx); err != nil {
			t.Fatal(err)
		}
		target, err := m.GetTargetInfo(ctx, "app-1.0.tar.gz")
		if err != nil {
			t.Fatal(err)
		}
		if target.Agreed != 2 || target.Mapping != 0 || target.Info.Path != "app-1.0.tar.gz" || len(target.Repositories) != 2 {
			t.Fatalf("%+v", target)
		}
		for _, r := range target.Repositories {
			if !r.Agreed || r.Info == nil || r.Error != "" || r.Info.Length != target.Info.Length {
				t.Fatalf("answer %+v", r)
			}
		}
		path, err := m.DownloadTarget(ctx, target, "")
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(path, cfg.TargetsDir) {
			t.Fatalf("downloaded to %s", path)
		}
		data := readFile(t, path)
		if err := target.Info.VerifyBytes(data); err != nil {
			t.Fatal(err)
		}
		// Only the vendor lists it: the terminating mapping's threshold of 2 is not met.
		_, err = m.GetTargetInfo(ctx, "vendor-only.txt")
		if !errors.Is(err, tuf.ErrRepository) {
			t.Fatalf("vendor-only.txt: %v", err)
		}
		m.Close()
		if err := m.Refresh(ctx); !errors.Is(err, tuf.ErrState) {
			t.Fatalf("closed: %v", err)
		}
	}
}

func TestMultiRepoConfigErrors(t *testing.T) {
	cfg := multiRepoConfig(t, "file:///nowhere")
	cfg.MapJSON = []byte(`{"repositories": {}, "mapping": []}`)
	if _, err := tuf.NewMultiRepo(cfg); !errors.Is(err, tuf.ErrInvalidArgument) {
		t.Fatalf("empty map: %v", err)
	}
	cfg = multiRepoConfig(t, "file:///nowhere")
	cfg.TrustedRoots["nobody"] = []byte("{}")
	if _, err := tuf.NewMultiRepo(cfg); !errors.Is(err, tuf.ErrInvalidArgument) {
		t.Fatalf("root of an unknown repository: %v", err)
	}
	cfg = multiRepoConfig(t, "file:///nowhere")
	bad := "../up"
	cfg.MetadataPath = &bad
	if _, err := tuf.NewMultiRepo(cfg); !errors.Is(err, tuf.ErrInvalidArgument) {
		t.Fatalf("layout with ..: %v", err)
	}
	cfg = multiRepoConfig(t, "file:///nowhere")
	cfg.MapJSON = nil
	cfg.MapFile = filepath.Join(t.TempDir(), "missing-map.json")
	if _, err := tuf.NewMultiRepo(cfg); !errors.Is(err, tuf.ErrIO) {
		t.Fatalf("missing map file: %v", err)
	}
	// From a file, with go-tuf's layout: the repositories are not there, refresh names both.
	cfg = multiRepoConfig(t, "file:///nowhere")
	mapFile := filepath.Join(t.TempDir(), "map.json")
	writeFile(t, mapFile, cfg.MapJSON)
	cfg.MapJSON, cfg.MapFile = nil, mapFile
	empty, targets := "", "targets"
	cfg.MetadataPath, cfg.TargetsPath = &empty, &targets
	m, err := tuf.NewMultiRepo(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	err = m.Refresh(context.Background())
	if err == nil || !strings.Contains(err.Error(), "vendor") || !strings.Contains(err.Error(), "distro") {
		t.Fatalf("refresh of missing repositories: %v", err)
	}
}
