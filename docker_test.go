package main

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"houqin/api"
)

// imageUID is the user the image runs as (distroless's nonroot).
const imageUID = 65532

// runMain, set in its environment, makes the test binary run main()
// instead of the tests: TestImageBinaryOnFreshVolume runs it as the service.
const runMain = "HOUQIN_TEST_RUN_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(runMain) == "1" {
		main()
	}
	os.Exit(m.Run())
}

// dockerStage is one FROM … stage of the Dockerfile: its name and its
// instructions, each as keyword and arguments.
type dockerStage struct {
	name  string
	lines [][2]string
}

// find returns the arguments of the stage's instructions named keyword.
func (s dockerStage) find(keyword string) []string {
	var out []string
	for _, l := range s.lines {
		if l[0] == keyword {
			out = append(out, l[1])
		}
	}
	return out
}

func parseDockerfile(t *testing.T) []dockerStage {
	t.Helper()
	f, err := os.Open("Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var stages []dockerStage
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		keyword, args, _ := strings.Cut(line, " ")
		keyword = strings.ToUpper(keyword)
		if keyword == "FROM" {
			fields := strings.Fields(args)
			name := ""
			if len(fields) == 3 && strings.EqualFold(fields[1], "AS") {
				name = fields[2]
			}
			stages = append(stages, dockerStage{name: name})
			continue
		}
		if len(stages) == 0 {
			t.Fatalf("Dockerfile: %q before FROM", line)
		}
		st := &stages[len(stages)-1]
		st.lines = append(st.lines, [2]string{keyword, strings.TrimSpace(args)})
	}
	if len(stages) < 2 {
		t.Fatalf("Dockerfile has %d stages, want a build stage and a runtime stage", len(stages))
	}
	return stages
}

// The image must be able to write its volume: /data exists in the image,
// owned by the (non-root) user the service runs as, because a fresh named
// volume takes its owner from the image.
func TestDockerImageLayout(t *testing.T) {
	stages := parseDockerfile(t)
	final := stages[len(stages)-1]
	users := final.find("USER")
	if len(users) != 1 {
		t.Fatalf("runtime stage has %d USER lines, want 1", len(users))
	}
	uid, _, _ := strings.Cut(users[0], ":")
	if n, err := strconv.Atoi(uid); err != nil || n == 0 {
		t.Fatalf("USER %s: want a numeric non-root uid (runAsNonRoot can only verify a number)", users[0])
	}
	if users[0] != fmt.Sprintf("%d:%d", imageUID, imageUID) {
		t.Fatalf("USER %s, want %d:%d (the uid TestImageBinaryOnFreshVolume runs as)", users[0], imageUID, imageUID)
	}
	if !strings.Contains(strings.Join(final.find("ENV"), " "), "HOUQIN_DATA_DIR=/data") || !strings.Contains(strings.Join(final.find("VOLUME"), " "), "/data") {
		t.Fatal("the runtime stage must keep its data in the /data volume")
	}
	// /data comes from a build stage, copied with the runtime user as owner.
	copyData := regexp.MustCompile(`^--from=(\S+) --chown=(\S+) (\S+) /data/?$`)
	var from, src string
	for _, c := range final.find("COPY") {
		if m := copyData.FindStringSubmatch(c); m != nil {
			if m[2] != users[0] {
				t.Fatalf("/data is owned by %s but the service runs as %s", m[2], users[0])
			}
			from, src = m[1], m[3]
		}
	}
	if from == "" {
		t.Fatalf("the runtime stage does not create /data owned by %s (COPY --from=STAGE --chown=%s DIR /data)", users[0], users[0])
	}
	made := false
	for _, s := range stages {
		if s.name == from {
			for _, run := range s.find("RUN") {
				made = made || regexp.MustCompile(`mkdir -p \S*`+regexp.QuoteMeta(src)+`\b`).MatchString(run)
			}
		}
	}
	if !made {
		t.Fatalf("stage %q never creates %s", from, src)
	}
}

// dockerignored reports whether a context path is left out of the build by
// .dockerignore (plain patterns, a trailing slash, and a leading **/).
func dockerignored(patterns []string, p string) bool {
	for _, pat := range patterns {
		pat = strings.TrimSuffix(pat, "/")
		for q := p; q != "." && q != "/"; q = path.Dir(q) {
			if ok, _ := path.Match(pat, q); ok {
				return true
			}
			if rest, deep := strings.CutPrefix(pat, "**/"); deep {
				if ok, _ := path.Match(rest, path.Base(q)); ok {
					return true
				}
			}
		}
	}
	return false
}

func TestDockerignoreKeepsSecretsOut(t *testing.T) {
	b, err := os.ReadFile(".dockerignore")
	if err != nil {
		t.Fatal(err)
	}
	var patterns []string
	for _, l := range strings.Split(string(b), "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			patterns = append(patterns, l)
		}
	}
	for _, p := range []string{".git/config", "data/houqin.db", "data/jwt-secret", "data/photos/1/a.jpg", "houqin.db", "api/x.db-wal", "houqin", "api/api.test"} {
		if !dockerignored(patterns, p) {
			t.Errorf("%s is sent to the Docker build", p)
		}
	}
	for _, p := range []string{"main.go", "go.mod", "go.sum", "api/app.go", "migrations/sqlite/00001_foundation.sql", "openapi/openapi.yaml", "demo/demo.go"} {
		if dockerignored(patterns, p) {
			t.Errorf("%s is left out of the Docker build", p)
		}
	}
}

// composeFiles are the setups the README runs: one service, and two
// replicas behind a proxy.
var composeFiles = []string{"docker-compose.yml", "docker-compose.replicas.yml"}

// Compose must run (and `docker compose down` must work) without the
// operator having exported anything: no ${VAR:?…} or ${VAR?…} anywhere.
func TestComposeNeedsNoVariables(t *testing.T) {
	for _, f := range composeFiles {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if m := regexp.MustCompile(`\$\{[A-Za-z_][A-Za-z0-9_]*:?\?[^}]*\}`).Find(b); m != nil {
			t.Fatalf("%s refuses every command while this is unset: %s", f, m)
		}
	}
}

// composeService is the part of a compose service the shape test reads.
type composeService struct {
	Build       any               `yaml:"build"`
	Image       string            `yaml:"image"`
	Environment map[string]string `yaml:"environment"`
	Ports       []string          `yaml:"ports"`
	Volumes     []string          `yaml:"volumes"`
	DependsOn   map[string]any    `yaml:"depends_on"`
	Networks    map[string]struct {
		IPv4 string `yaml:"ipv4_address"`
	} `yaml:"networks"`
}

// The two-replica setup is what the README says: two replicas built from
// this repository with the same settings, sharing the database, Redis and
// the S3 store (services of the file), reachable only through the proxy,
// whose configuration sends to both, lets live events through unbuffered
// and takes the largest upload; the replicas believe that proxy only.
func TestReplicasComposeShape(t *testing.T) {
	b, err := os.ReadFile("docker-compose.replicas.yml")
	if err != nil {
		t.Fatal(err)
	}
	var file struct {
		Services map[string]composeService `yaml:"services"`
	}
	if err := yaml.Unmarshal(b, &file); err != nil {
		t.Fatal(err)
	}
	a, b1 := file.Services["houqin-a"], file.Services["houqin-b"]
	for name, s := range map[string]composeService{"houqin-a": a, "houqin-b": b1} {
		if s.Build != "." || len(s.Ports) != 0 {
			t.Errorf("%s: build %v, ports %v: want built from this repository and reached only through the proxy", name, s.Build, s.Ports)
		}
	}
	if fmt.Sprint(a.Environment) != fmt.Sprint(b1.Environment) {
		t.Errorf("the replicas' settings differ:\n%v\n%v", a.Environment, b1.Environment)
	}
	env := a.Environment
	for k, service := range map[string]string{"HOUQIN_DB": "mysql", "HOUQIN_REDIS_URL": "redis", "HOUQIN_S3_ENDPOINT": "minio"} {
		if _, ok := file.Services[service]; !ok || !strings.Contains(env[k], service+":") {
			t.Errorf("%s=%q does not point at the %s service of the file", k, env[k], service)
		}
	}
	if !strings.HasPrefix(env["HOUQIN_BLOBS"], "s3://") {
		t.Errorf("HOUQIN_BLOBS=%q: photos must be in the shared S3 store", env["HOUQIN_BLOBS"])
	}
	if env["HOUQIN_JWT_SECRET"] == "" && (!slices.Contains(a.Volumes, "data:/data") || !slices.Contains(b1.Volumes, "data:/data") || b1.DependsOn["houqin-a"] == nil) {
		t.Error("without HOUQIN_JWT_SECRET the replicas must share the data volume, houqin-b starting after houqin-a made the secret")
	}

	var proxy composeService
	for name, s := range file.Services {
		if len(s.Ports) > 0 {
			if proxy.Image != "" {
				t.Fatalf("%s publishes ports too: only the proxy should", name)
			}
			proxy = s
		}
	}
	if ip := proxy.Networks["default"].IPv4; ip == "" || env["HOUQIN_TRUSTED_PROXIES"] != ip {
		t.Errorf("HOUQIN_TRUSTED_PROXIES=%q, the proxy's address %q", env["HOUQIN_TRUSTED_PROXIES"], ip)
	}
	var conf string
	for _, v := range proxy.Volumes {
		if src, dst, _ := strings.Cut(v, ":"); strings.HasPrefix(dst, "/etc/nginx/") {
			conf = src
		}
	}
	nginx, err := os.ReadFile(conf)
	if err != nil {
		t.Fatalf("the proxy's configuration: %v", err)
	}
	for _, want := range []string{"server houqin-a:8080", "server houqin-b:8080", "proxy_buffering off;", "location /api/v1/events",
		fmt.Sprintf("client_max_body_size %dm;", api.MaxUploadBody>>20)} {
		if !strings.Contains(string(nginx), want) {
			t.Errorf("%s lacks %q", conf, want)
		}
	}
	m := regexp.MustCompile(`proxy_read_timeout (\d+)([smh]);`).FindStringSubmatch(string(nginx))
	if m == nil {
		t.Fatalf("%s sets no proxy_read_timeout: nginx cuts a quiet live stream after 60 s", conf)
	}
	if d, _ := time.ParseDuration(m[1] + m[2]); d < 10*time.Minute {
		t.Errorf("proxy_read_timeout %s: live streams need a long one", d)
	}
}

// The binary the image ships starts on an empty data folder owned by the
// image's user, running as that user (when the test may switch users),
// and answers /readyz; the image's HEALTHCHECK command passes. A folder it
// does not own (a volume the image did not prepare) stops it with a clear
// error instead.
func TestImageBinaryOnFreshVolume(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the service as a process")
	}
	base, err := os.MkdirTemp("", "houqin-image-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(base) })
	if err := os.Chmod(base, 0o755); err != nil { // the image's user must reach the binary
		t.Fatal(err)
	}
	// The binary is this test binary, which runs main() when asked
	// (TestMain): the same code as the image's, without a second build. It is
	// copied where the image's user can reach it.
	bin := filepath.Join(base, "houqin")
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(self); err != nil || os.WriteFile(bin, b, 0o755) != nil {
		t.Fatalf("copy the binary: %v", err)
	}
	asImageUser := os.Geteuid() == 0
	if !asImageUser {
		t.Logf("not root: running as uid %d instead of %d", os.Getuid(), imageUID)
	}
	start := func(dataDir, addr string, args ...string) *exec.Cmd {
		cmd := exec.Command(bin, args...)
		cmd.Env = []string{runMain + "=1", "HOUQIN_DATA_DIR=" + dataDir, "HOUQIN_ADDR=" + addr, "HOUQIN_LOG_LEVEL=warn"}
		if asImageUser {
			cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: imageUID, Gid: imageUID}}
		}
		return cmd
	}
	fresh := func(owned bool) string {
		dir := filepath.Join(base, fmt.Sprintf("data-%v", owned))
		if err := os.Mkdir(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if owned && asImageUser {
			if err := os.Chown(dir, imageUID, imageUID); err != nil {
				t.Fatal(err)
			}
		}
		return dir
	}

	t.Run("a volume the image prepared", func(t *testing.T) {
		data, addr := fresh(true), freeAddr(t)
		serve := start(data, addr, "serve")
		var stderr strings.Builder
		serve.Stderr = &stderr
		if err := serve.Start(); err != nil {
			t.Fatal(err)
		}
		var waitErr error
		exited := make(chan struct{})
		go func() { waitErr = serve.Wait(); close(exited) }()
		defer func() {
			serve.Process.Signal(syscall.SIGTERM)
			<-exited
			if waitErr != nil {
				t.Errorf("serve: %v\n%s", waitErr, stderr.String())
			}
			// Without HOUQIN_PUBLIC_URL the operator is told which URL links get.
			if want := `"public_url":"http://` + addr + `"`; !strings.Contains(stderr.String(), want) {
				t.Errorf("no warning with %s in the log:\n%s", want, stderr.String())
			}
		}()
		if err := waitReady(t.Context(), "http://"+addr+"/readyz", exited); err != nil {
			t.Fatalf("%v\n%s", err, stderr.String())
		}
		check := start(data, addr, "healthcheck")
		if out, err := check.CombinedOutput(); err != nil {
			t.Fatalf("healthcheck: %v\n%s", err, out)
		}
		for _, f := range []string{"houqin.db", "jwt-secret"} {
			fi, err := os.Stat(filepath.Join(data, f))
			if err != nil {
				t.Fatal(err)
			}
			if st := fi.Sys().(*syscall.Stat_t); asImageUser && st.Uid != imageUID {
				t.Errorf("%s is owned by uid %d", f, st.Uid)
			}
		}
	})
	if asImageUser {
		t.Run("a root-owned volume stops it with a clear error", func(t *testing.T) {
			out, err := start(fresh(false), freeAddr(t), "serve").CombinedOutput()
			if err == nil || !strings.Contains(string(out), "permission denied") {
				t.Fatalf("serve on a root-owned folder: %v\n%s", err, out)
			}
		})
	}
}

// freeAddr returns a loopback address with a port nobody listens on.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// waitReady polls url until it answers 200, the process exits, or 30 s pass.
func waitReady(ctx context.Context, url string, exited <-chan struct{}) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	client := http.Client{Timeout: time.Second}
	for {
		if resp, err := client.Get(url); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-exited:
			return fmt.Errorf("serve exited before it was ready")
		case <-ctx.Done():
			return fmt.Errorf("%s not ready in 30 s", url)
		case <-time.After(100 * time.Millisecond):
		}
	}
}
