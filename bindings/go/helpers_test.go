package tuf_test

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// repoDir is the libtuf checkout this module lives in.
func repoDir(t testing.TB) string {
	t.Helper()
	dir, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

func demoRepo(t testing.TB) string { return filepath.Join(repoDir(t), "examples-c", "demo-repo") }

func readFile(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// repoServer serves a repository's directory over HTTP (metadata/ and targets/) and
// records the paths asked for; handlers installed with handle take precedence.
type repoServer struct {
	*httptest.Server
	mu       sync.Mutex
	requests []string
	override map[string]http.HandlerFunc
}

func serveRepo(t testing.TB, dir string) *repoServer {
	t.Helper()
	s := &repoServer{override: map[string]http.HandlerFunc{}}
	files := http.FileServer(http.Dir(dir))
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.requests = append(s.requests, r.URL.Path)
		h := s.override[r.URL.Path]
		s.mu.Unlock()
		if h != nil {
			h(w, r)
			return
		}
		files.ServeHTTP(w, r)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *repoServer) handle(path string, h http.HandlerFunc) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.override[path] = h
}

func (s *repoServer) log() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.requests...)
}

// settledLogLength waits until srv's request log has not grown for 200 ms (at most 10 s),
// and returns its length.
func settledLogLength(srv *repoServer) int {
	n := len(srv.log())
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); {
		time.Sleep(200 * time.Millisecond)
		m := len(srv.log())
		if m == n {
			break
		}
		n = m
	}
	return n
}

func (s *repoServer) metadataURL() string { return s.URL + "/metadata/" }
func (s *repoServer) targetsURL() string  { return s.URL + "/targets/" }

func writeFile(t testing.TB, path string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}
