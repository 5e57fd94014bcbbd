package tuf_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"

	tuf "github.com/libtuf/libtuf/bindings/go"
)

// Several targets at once: one result per target, in order; one failure stops no other.
func ExampleUpdater_DownloadTargets() {
	srv := httptest.NewServer(http.FileServer(http.Dir("../../examples-c/demo-repo")))
	defer srv.Close()
	root, err := os.ReadFile("../../examples-c/demo-repo/root.json")
	if err != nil {
		panic(err)
	}
	dir, _ := os.MkdirTemp("", "tuf-example")
	defer os.RemoveAll(dir)

	updater, err := tuf.NewUpdater(tuf.Config{
		MetadataDir:    filepath.Join(dir, "metadata"),
		MetadataURL:    srv.URL + "/metadata/",
		TargetsDir:     filepath.Join(dir, "targets"),
		TargetsBaseURL: srv.URL + "/targets/",
		BootstrapRoot:  root,
		MaxConnections: 4,
	})
	if err != nil {
		panic(err)
	}
	defer updater.Close()
	ctx := context.Background()
	var infos []*tuf.TargetInfo
	for _, name := range []string{"hello.txt", "docs/README.txt", "apps/app-1.1.tar.gz"} {
		info, err := updater.GetTargetInfo(ctx, name)
		if err != nil {
			panic(err)
		}
		infos = append(infos, info)
	}
	results, err := updater.DownloadTargets(ctx, infos)
	for _, r := range results {
		fmt.Printf("%s: %s %v\n", r.Info.Path, filepath.Base(r.Path), r.Err)
	}
	fmt.Println("all in place:", err == nil)
	// Output:
	// hello.txt: hello.txt <nil>
	// docs/README.txt: docs%2FREADME.txt <nil>
	// apps/app-1.1.tar.gz: apps%2Fapp-1.1.tar.gz <nil>
	// all in place: true
}

// Several lookups at once: one result per path, in order; a path not found is a result, and
// the call's error is that of the first one.
func ExampleUpdater_GetTargetInfos() {
	srv := httptest.NewServer(http.FileServer(http.Dir("../../examples-c/demo-repo")))
	defer srv.Close()
	root, err := os.ReadFile("../../examples-c/demo-repo/root.json")
	if err != nil {
		panic(err)
	}
	dir, _ := os.MkdirTemp("", "tuf-example")
	defer os.RemoveAll(dir)

	updater, err := tuf.NewUpdater(tuf.Config{
		MetadataDir:    filepath.Join(dir, "metadata"),
		MetadataURL:    srv.URL + "/metadata/",
		TargetsDir:     filepath.Join(dir, "targets"),
		TargetsBaseURL: srv.URL + "/targets/",
		BootstrapRoot:  root,
	})
	if err != nil {
		panic(err)
	}
	defer updater.Close()
	ctx := context.Background()
	results, err := updater.GetTargetInfos(ctx, []string{"hello.txt", "apps/app-9.9.tar.gz", "apps/app-1.1.tar.gz"})
	var found []*tuf.TargetInfo
	for _, r := range results {
		if r.Err != nil {
			fmt.Printf("%s: not found: %v\n", r.Path, errors.Is(r.Err, tuf.ErrTargetNotFound))
			continue
		}
		fmt.Printf("%s: %d bytes, listed by %s\n", r.Path, r.Info.Length, r.Info.Role)
		found = append(found, r.Info)
	}
	fmt.Println("all found:", err == nil)
	if results == nil {
		return // failed before looking up (the refresh failed)
	}
	downloads, err := updater.DownloadTargets(ctx, found)
	fmt.Println("downloaded:", len(downloads), err)
	// Output:
	// hello.txt: 39 bytes, listed by targets
	// apps/app-9.9.tar.gz: not found: true
	// apps/app-1.1.tar.gz: 47 bytes, listed by apps
	// all found: false
	// downloaded: 2 <nil>
}

// Offline: the metadata cache a previous online refresh filled, every check, no network.
func ExampleConfig_offline() {
	dir, _ := os.MkdirTemp("", "tuf-example")
	defer os.RemoveAll(dir)
	cfg := tuf.Config{
		MetadataDir: filepath.Join(dir, "metadata"),
		MetadataURL: "file://" + mustAbs("../../examples-c/demo-repo/metadata") + "/",
	}
	root, err := os.ReadFile("../../examples-c/demo-repo/root.json")
	if err != nil {
		panic(err)
	}
	cfg.BootstrapRoot = root
	online, err := tuf.NewUpdater(cfg)
	if err != nil {
		panic(err)
	}
	if err := online.Refresh(context.Background()); err != nil {
		panic(err)
	}
	online.Close()

	cfg.BootstrapRoot = nil // the cached root.json
	cfg.Offline = true
	offline, err := tuf.NewUpdater(cfg)
	if err != nil {
		panic(err)
	}
	defer offline.Close()
	info, err := offline.GetTargetInfo(context.Background(), "hello.txt")
	if err != nil {
		panic(err)
	}
	fmt.Println(info.Path, info.Length)
	// Output: hello.txt 39
}

func mustAbs(path string) string {
	abs, err := filepath.Abs(path)
	if err != nil {
		panic(err)
	}
	return abs
}
