package tuf_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// headerFunctions lists the functions a tuf.h declares.
func headerFunctions(t *testing.T, path string) []string {
	t.Helper()
	text := string(readFile(t, path))
	re := regexp.MustCompile(`(?m)^[a-z][^()\n]*?\b(tuf_[a-z0-9_]+)\(`)
	seen := map[string]bool{}
	for _, m := range re.FindAllStringSubmatch(text, -1) {
		if !strings.HasPrefix(m[0], "typedef") {
			seen[m[1]] = true
		}
	}
	var names []string
	for n := range seen {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// TestEveryFunctionIsWrapped fails when a function of tuf.h is not called (as C.tuf_NAME)
// by the package's Go sources: the binding grows with the header. It checks the header of
// the checkout and the installed one the package compiles against.
func TestEveryFunctionIsWrapped(t *testing.T) {
	headers := []string{filepath.Join(repoDir(t), "include", "tuf.h")}
	if out, err := exec.Command("pkg-config", "--variable=includedir", "tuf").Output(); err == nil {
		installed := filepath.Join(strings.TrimSpace(string(out)), "tuf.h")
		if _, err := os.Stat(installed); err == nil {
			headers = append(headers, installed)
		}
	}
	sources, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	called := map[string]bool{}
	re := regexp.MustCompile(`\bC\.(tuf_[a-z0-9_]+)\b`)
	for _, f := range sources {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		for _, m := range re.FindAllStringSubmatch(string(readFile(t, f)), -1) {
			called[m[1]] = true
		}
	}
	for _, h := range headers {
		fns := headerFunctions(t, h)
		if len(fns) < 150 {
			t.Fatalf("%s: only %d functions found; is the pattern still right?", h, len(fns))
		}
		var missing []string
		for _, fn := range fns {
			if !called[fn] {
				missing = append(missing, fn)
			}
		}
		if len(missing) > 0 {
			t.Errorf("%s: %d of %d functions are not wrapped by the Go binding:\n  %s", h, len(missing), len(fns), strings.Join(missing, "\n  "))
		} else {
			t.Logf("%s: all %d functions wrapped", h, len(fns))
		}
	}
}
