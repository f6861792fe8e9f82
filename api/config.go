// Package api assembles the service: configuration, the Fiber app with its
// middleware and routes, the error handler and the server's lifecycle.
package api

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/sideshow/apns2/token"

	"houqin/models/meeting"
	"houqin/models/store"
	"houqin/push"
	"houqin/s3blobs"
)

// Config is the service configuration, read from HOUQIN_* variables.
type Config struct {
	Addr         string         // HOUQIN_ADDR
	DB           string         // HOUQIN_DB: sqlite:PATH or a MySQL DSN
	DataDir      string         // HOUQIN_DATA_DIR: secret, photos, default SQLite file
	JWTSecret    []byte         // HOUQIN_JWT_SECRET; generated and kept in DataDir when unset
	Location     *time.Location // HOUQIN_TIMEZONE
	AccessTTL    time.Duration  // HOUQIN_ACCESS_TTL
	DemoPassword string         // HOUQIN_DEMO_PASSWORD
	LogLevel     string         // HOUQIN_LOG_LEVEL: debug, info, warn, error
	// AccessLog receives a JSON line per request, at LogLevel (not from the
	// environment: main passes its log's writer, so every line shares one
	// stream); nil writes none.
	AccessLog io.Writer
	// PublicURL is the service's address as clients reach it
	// (HOUQIN_PUBLIC_URL): absolute URLs handed out are built from it, never
	// from request headers. Empty means BaseURL derives one from Addr.
	PublicURL string
	// TrustedProxies are the addresses or CIDR ranges whose forwarding
	// headers (X-Forwarded-For, -Proto, -Host) are believed
	// (HOUQIN_TRUSTED_PROXIES, comma-separated); from anyone else they are ignored.
	TrustedProxies []string

	PositionRetention time.Duration // HOUQIN_SHUTTLE_POSITION_DAYS: how long GPS fixes are kept

	// BlobsDir is the folder uploads are kept in when HOUQIN_BLOBS names a
	// folder (default DataDir/photos); a mount shared by every replica works.
	BlobsDir string
	// S3 keeps uploads in an object store instead, when HOUQIN_BLOBS is
	// s3://bucket/prefix (HOUQIN_S3_* say where and with which keys).
	S3 *s3blobs.Store

	FCMCredentials string // HOUQIN_FCM_CREDENTIALS: service-account JSON path
	FCMProjectID   string // HOUQIN_FCM_PROJECT_ID
	FCMEndpoint    string // HOUQIN_FCM_ENDPOINT: base URL including /v1
	// The push services beside FCM, for iPhones without FCM and for phones
	// without Google services, each off when none of its variables is set
	// (HOUQIN_APNS_*, _HUAWEI_*, _HONOR_*, _XIAOMI_*, _OPPO_*, _VIVO_*,
	// _HARMONY_*; see loadVendors).
	APNs    push.APNsConfig
	Huawei  push.HuaweiConfig
	Honor   push.HonorConfig
	Xiaomi  push.XiaomiConfig
	OPPO    push.OPPOConfig
	Vivo    push.VivoConfig
	Harmony push.HarmonyConfig
	// The work platforms (HOUQIN_WECOM_*, HOUQIN_DINGTALK_*): notifications
	// to staff members' 企业微信/政务微信 and 钉钉/政务钉钉 accounts.
	WeCom    push.WeComConfig
	DingTalk push.DingTalkConfig
	// DeviceMaxAge is how long a device may go unseen before its token is
	// pruned (HOUQIN_DEVICE_MAX_AGE, default 60 days).
	DeviceMaxAge time.Duration
	// RequestTimeout bounds a request's database work (HOUQIN_REQUEST_TIMEOUT,
	// default 10s): a frozen database answers 503, not a hung request.
	RequestTimeout time.Duration
	// MaxFutureBookings bounds one person's upcoming room bookings
	// (HOUQIN_MAX_FUTURE_BOOKINGS).
	MaxFutureBookings int
	// Redis joins this replica to the others of its deployment
	// (HOUQIN_REDIS_URL, redis:// or rediss://): live events, invalidations
	// and limits are shared through it. Nil: one process alone.
	Redis *redis.Options
	// RedisPrefix starts every Redis channel and key of this deployment
	// (HOUQIN_REDIS_PREFIX, default houqin), so that several can share one Redis.
	RedisPrefix string
	// EventHeartbeat is how often an idle live stream sends a comment
	// (0: sse.DefaultHeartbeat); tests shorten it.
	EventHeartbeat time.Duration
}

// LoadConfig reads and validates the configuration. Every problem is
// reported in one line naming the variable.
func LoadConfig(getenv func(string) string) (Config, error) {
	get := func(key, def string) string {
		if v := strings.TrimSpace(getenv(key)); v != "" {
			return v
		}
		return def
	}
	c := Config{
		Addr:           get("HOUQIN_ADDR", ":8080"),
		DataDir:        get("HOUQIN_DATA_DIR", "./data"),
		DemoPassword:   get("HOUQIN_DEMO_PASSWORD", "houqin-demo"),
		LogLevel:       get("HOUQIN_LOG_LEVEL", "info"),
		FCMCredentials: get("HOUQIN_FCM_CREDENTIALS", ""),
		FCMProjectID:   get("HOUQIN_FCM_PROJECT_ID", ""),
		FCMEndpoint:    get("HOUQIN_FCM_ENDPOINT", ""),
		PublicURL:      strings.TrimSuffix(get("HOUQIN_PUBLIC_URL", ""), "/"),
		RedisPrefix:    get("HOUQIN_REDIS_PREFIX", "houqin"),
	}
	c.DB = get("HOUQIN_DB", "sqlite:"+filepath.Join(c.DataDir, "houqin.db"))
	var errs []error
	if _, port, err := net.SplitHostPort(c.Addr); err != nil {
		errs = append(errs, fmt.Errorf("HOUQIN_ADDR %q is not host:port", c.Addr))
	} else if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		errs = append(errs, fmt.Errorf("HOUQIN_ADDR %q has a bad port", c.Addr))
	}
	if path, ok := strings.CutPrefix(c.DB, "sqlite:"); ok {
		if path == "" {
			errs = append(errs, errors.New("HOUQIN_DB: sqlite: needs a file path"))
		}
	} else if _, err := store.MySQLConfig(c.DB); err != nil {
		errs = append(errs, fmt.Errorf("HOUQIN_DB: %v", err))
	}
	loc, err := time.LoadLocation(get("HOUQIN_TIMEZONE", "Asia/Shanghai"))
	if err != nil {
		errs = append(errs, fmt.Errorf("HOUQIN_TIMEZONE: %v", err))
	}
	c.Location = loc
	c.AccessTTL, err = time.ParseDuration(get("HOUQIN_ACCESS_TTL", "15m"))
	if err != nil || c.AccessTTL < time.Minute || c.AccessTTL > 24*time.Hour {
		errs = append(errs, errors.New("HOUQIN_ACCESS_TTL must be a duration between 1m and 24h"))
	}
	if s := getenv("HOUQIN_JWT_SECRET"); s != "" {
		if len(s) < 32 {
			errs = append(errs, errors.New("HOUQIN_JWT_SECRET must be at least 32 characters"))
		}
		c.JWTSecret = []byte(s)
	}
	days, err := strconv.Atoi(get("HOUQIN_SHUTTLE_POSITION_DAYS", "30"))
	if err != nil || days < 1 || days > 3650 {
		errs = append(errs, errors.New("HOUQIN_SHUTTLE_POSITION_DAYS must be a number of days between 1 and 3650"))
	}
	c.PositionRetention = time.Duration(days) * 24 * time.Hour
	c.MaxFutureBookings, err = strconv.Atoi(get("HOUQIN_MAX_FUTURE_BOOKINGS", strconv.Itoa(meeting.DefaultMaxFutureBookings)))
	if err != nil || c.MaxFutureBookings < meeting.MaxOccurrences || c.MaxFutureBookings > 10_000 {
		errs = append(errs, fmt.Errorf("HOUQIN_MAX_FUTURE_BOOKINGS must be a number between %d (one full series) and 10000", meeting.MaxOccurrences))
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		errs = append(errs, fmt.Errorf("HOUQIN_LOG_LEVEL %q is not debug, info, warn or error", c.LogLevel))
	}
	c.RequestTimeout, err = time.ParseDuration(get("HOUQIN_REQUEST_TIMEOUT", "10s"))
	if err != nil || c.RequestTimeout < time.Second || c.RequestTimeout > 5*time.Minute {
		errs = append(errs, errors.New("HOUQIN_REQUEST_TIMEOUT must be a duration between 1s and 5m"))
	}
	c.DeviceMaxAge, err = time.ParseDuration(get("HOUQIN_DEVICE_MAX_AGE", "1440h"))
	if err != nil || c.DeviceMaxAge < 24*time.Hour {
		errs = append(errs, errors.New("HOUQIN_DEVICE_MAX_AGE must be a duration of at least 24h, e.g. 1440h"))
	}
	if c.FCMCredentials != "" {
		if _, err := os.Stat(c.FCMCredentials); err != nil {
			errs = append(errs, fmt.Errorf("HOUQIN_FCM_CREDENTIALS: %v", err))
		}
	}
	if c.FCMEndpoint != "" && !strings.HasPrefix(c.FCMEndpoint, "http://") && !strings.HasPrefix(c.FCMEndpoint, "https://") {
		errs = append(errs, fmt.Errorf("HOUQIN_FCM_ENDPOINT %q is not an http(s) URL", c.FCMEndpoint))
	}
	errs = append(errs, c.loadVendors(get)...)
	if c.PublicURL != "" {
		if u, err := url.Parse(c.PublicURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" ||
			u.User != nil || u.RawQuery != "" || u.Fragment != "" {
			errs = append(errs, fmt.Errorf("HOUQIN_PUBLIC_URL %q is not an http(s) URL such as https://houqin.example.gov.cn", c.PublicURL))
		}
	}
	if u := get("HOUQIN_REDIS_URL", ""); u != "" {
		// The URL holds the password: no error quotes it.
		if !strings.HasPrefix(u, "redis://") && !strings.HasPrefix(u, "rediss://") {
			errs = append(errs, errors.New("HOUQIN_REDIS_URL must be a redis:// or rediss:// URL, e.g. redis://:PASSWORD@127.0.0.1:6379/0"))
		} else if c.Redis, err = redis.ParseURL(u); err != nil {
			errs = append(errs, errors.New("HOUQIN_REDIS_URL is not a valid Redis URL: redis[s]://[[USER]:PASSWORD@]HOST[:PORT][/DB]"))
		}
	}
	if strings.ContainsAny(c.RedisPrefix, " \t\n*?[]") {
		errs = append(errs, fmt.Errorf("HOUQIN_REDIS_PREFIX %q must be one word without glob characters", c.RedisPrefix))
	}
	c.TrustedProxies, err = trustedProxies(get("HOUQIN_TRUSTED_PROXIES", ""))
	if err != nil {
		errs = append(errs, err)
	}
	c.BlobsDir, c.S3, err = blobs(get, filepath.Join(c.DataDir, "photos"))
	if err != nil {
		errs = append(errs, err)
	}
	return c, errors.Join(errs...)
}

// s3Vars are the object store's settings; the first three have no default.
var s3Vars = []string{"HOUQIN_S3_ENDPOINT", "HOUQIN_S3_ACCESS_KEY", "HOUQIN_S3_SECRET_KEY", "HOUQIN_S3_REGION", "HOUQIN_S3_VIRTUAL_HOST"}

// blobs reads HOUQIN_BLOBS: a folder (default dir), or s3://bucket/prefix
// with the HOUQIN_S3_* settings (endpoint and keys required). Settings
// for a store that is not used are refused too: an operator who set them
// meant photos to be shared, and would otherwise find them on one disk.
// Messages never repeat the keys, nor HOUQIN_BLOBS (it might hold some).
func blobs(get func(key, def string) string, dir string) (string, *s3blobs.Store, error) {
	where := get("HOUQIN_BLOBS", dir)
	rest, isS3 := strings.CutPrefix(where, "s3://")
	if !isS3 {
		if strings.Contains(where, "://") {
			return "", nil, errors.New("HOUQIN_BLOBS must be a folder or s3://bucket/prefix")
		}
		for _, k := range s3Vars {
			if get(k, "") != "" {
				return "", nil, fmt.Errorf("%s is set but HOUQIN_BLOBS is not s3://bucket/prefix", k)
			}
		}
		return where, nil, nil
	}
	bucket, prefix, _ := strings.Cut(rest, "/")
	if strings.Contains(bucket, "@") {
		return "", nil, errors.New("HOUQIN_BLOBS must be s3://bucket/prefix: keys go in HOUQIN_S3_ACCESS_KEY and HOUQIN_S3_SECRET_KEY")
	}
	for _, k := range s3Vars[:3] {
		if get(k, "") == "" {
			return "", nil, fmt.Errorf("%s must be set when HOUQIN_BLOBS is s3://", k)
		}
	}
	c := s3blobs.Config{Bucket: bucket, Prefix: strings.Trim(prefix, "/"), Endpoint: get("HOUQIN_S3_ENDPOINT", ""),
		AccessKey: get("HOUQIN_S3_ACCESS_KEY", ""), SecretKey: get("HOUQIN_S3_SECRET_KEY", ""), Region: get("HOUQIN_S3_REGION", "")}
	var err error
	if c.VirtualHost, err = strconv.ParseBool(get("HOUQIN_S3_VIRTUAL_HOST", "false")); err != nil {
		return "", nil, errors.New("HOUQIN_S3_VIRTUAL_HOST must be true or false")
	}
	st, err := s3blobs.New(c)
	if err != nil {
		return "", nil, fmt.Errorf("HOUQIN_BLOBS, HOUQIN_S3_ENDPOINT: %v", err)
	}
	return "", st, nil
}

// trustedProxies splits a comma-separated list of addresses and CIDR ranges.
func trustedProxies(list string) ([]string, error) {
	var out []string
	for _, p := range strings.Split(list, ",") {
		if p = strings.TrimSpace(p); p == "" {
			continue
		}
		if _, err := parseProxy(p); err != nil {
			return nil, fmt.Errorf("HOUQIN_TRUSTED_PROXIES: %q is not an IP address or CIDR range", p)
		}
		out = append(out, p)
	}
	return out, nil
}

// BaseURL is where clients reach the service: PublicURL, or when that is
// unset http://localhost:PORT (or the listen host, when Addr names one).
func (c Config) BaseURL() string {
	if c.PublicURL != "" {
		return c.PublicURL
	}
	host, port, _ := net.SplitHostPort(c.Addr)
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port)
}

// EnsureSecret fills JWTSecret from DataDir/jwt-secret, creating the file
// with a random secret the first time, so tokens survive restarts.
func (c *Config) EnsureSecret() error {
	if len(c.JWTSecret) > 0 {
		return nil
	}
	path := filepath.Join(c.DataDir, "jwt-secret")
	if b, err := os.ReadFile(path); err == nil && len(b) >= 32 {
		c.JWTSecret = []byte(strings.TrimSpace(string(b)))
		return nil
	}
	if err := os.MkdirAll(c.DataDir, 0o750); err != nil {
		return fmt.Errorf("create data folder: %w", err)
	}
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	secret := hex.EncodeToString(b)
	if err := os.WriteFile(path, []byte(secret+"\n"), 0o600); err != nil {
		return fmt.Errorf("store JWT secret: %w", err)
	}
	c.JWTSecret = []byte(secret)
	return nil
}

// loadVendors reads the settings of the push vendors beside FCM (APNs,
// 华为, 荣耀, 小米, OPPO, vivo, 鸿蒙) and of the work platforms (企业微信, 钉钉).
func (c *Config) loadVendors(get func(key, def string) string) []error {
	var errs []error
	if v, on, err := vendorVars(get, "HOUQIN_APNS_", []string{"KEY_FILE", "KEY_ID", "TEAM_ID", "TOPIC"}, "ENV", "ENDPOINT"); err != nil {
		errs = append(errs, err)
	} else if on {
		c.APNs = push.APNsConfig{KeyFile: v["KEY_FILE"], KeyID: v["KEY_ID"], TeamID: v["TEAM_ID"], Topic: v["TOPIC"],
			Sandbox: v["ENV"] == "sandbox", Endpoint: v["ENDPOINT"]}
		if _, err := token.AuthKeyFromFile(v["KEY_FILE"]); err != nil {
			errs = append(errs, fmt.Errorf("HOUQIN_APNS_KEY_FILE: %v", err))
		}
		if env := v["ENV"]; env != "" && env != "production" && env != "sandbox" {
			errs = append(errs, fmt.Errorf("HOUQIN_APNS_ENV %q is not production or sandbox", env))
		}
	}
	if v, on, err := vendorVars(get, "HOUQIN_HUAWEI_", []string{"APP_ID", "APP_SECRET"}, "ENDPOINT"); err != nil {
		errs = append(errs, err)
	} else if on {
		c.Huawei = push.HuaweiConfig{AppID: v["APP_ID"], AppSecret: v["APP_SECRET"], Endpoint: v["ENDPOINT"]}
	}
	if v, on, err := vendorVars(get, "HOUQIN_HONOR_", []string{"APP_ID", "CLIENT_ID", "CLIENT_SECRET"}, "ENDPOINT"); err != nil {
		errs = append(errs, err)
	} else if on {
		c.Honor = push.HonorConfig{AppID: v["APP_ID"], ClientID: v["CLIENT_ID"], ClientSecret: v["CLIENT_SECRET"], Endpoint: v["ENDPOINT"]}
	}
	// Xiaomi's and OPPO's channel ids name the 私信 channel the app registers
	// for work notifications: without it they are throttled as marketing.
	if v, on, err := vendorVars(get, "HOUQIN_XIAOMI_", []string{"APP_SECRET", "PACKAGE", "CHANNEL_ID"}, "ENDPOINT"); err != nil {
		errs = append(errs, err)
	} else if on {
		c.Xiaomi = push.XiaomiConfig{AppSecret: v["APP_SECRET"], PackageName: v["PACKAGE"], ChannelID: v["CHANNEL_ID"], Endpoint: v["ENDPOINT"]}
	}
	if v, on, err := vendorVars(get, "HOUQIN_OPPO_", []string{"APP_KEY", "MASTER_SECRET", "CHANNEL_ID"}, "ENDPOINT"); err != nil {
		errs = append(errs, err)
	} else if on {
		c.OPPO = push.OPPOConfig{AppKey: v["APP_KEY"], MasterSecret: v["MASTER_SECRET"], ChannelID: v["CHANNEL_ID"], Endpoint: v["ENDPOINT"]}
	}
	if v, on, err := vendorVars(get, "HOUQIN_VIVO_", []string{"APP_ID", "APP_KEY", "APP_SECRET"}, "ENDPOINT"); err != nil {
		errs = append(errs, err)
	} else if on {
		c.Vivo = push.VivoConfig{AppID: v["APP_ID"], AppKey: v["APP_KEY"], AppSecret: v["APP_SECRET"], Endpoint: v["ENDPOINT"]}
		if _, err := strconv.ParseUint(v["APP_ID"], 10, 64); err != nil {
			errs = append(errs, fmt.Errorf("HOUQIN_VIVO_APP_ID %q is not a number", v["APP_ID"]))
		}
	}
	// HarmonyOS NEXT: everything but the endpoint is in the key file.
	if v, on, err := vendorVars(get, "HOUQIN_HARMONY_", []string{"KEY_FILE"}, "ENDPOINT"); err != nil {
		errs = append(errs, err)
	} else if on {
		if c.Harmony, err = push.ReadHarmonyKey(v["KEY_FILE"], v["ENDPOINT"]); err != nil {
			errs = append(errs, fmt.Errorf("HOUQIN_HARMONY_KEY_FILE: %v", err))
		}
	}
	// The work platforms: 政务微信 and 政务钉钉 run on their own hosts (ENDPOINT).
	if v, on, err := vendorVars(get, "HOUQIN_WECOM_", []string{"CORP_ID", "AGENT_ID", "SECRET"}, "CARD_URL", "ENDPOINT"); err != nil {
		errs = append(errs, err)
	} else if on {
		c.WeCom = push.WeComConfig{CorpID: v["CORP_ID"], AgentID: v["AGENT_ID"], Secret: v["SECRET"], CardURL: v["CARD_URL"], Endpoint: v["ENDPOINT"]}
		if _, err := push.NewWeCom(c.WeCom); err != nil {
			errs = append(errs, fmt.Errorf("HOUQIN_WECOM_AGENT_ID: %v", err))
		}
	}
	if v, on, err := vendorVars(get, "HOUQIN_DINGTALK_", []string{"APP_KEY", "APP_SECRET", "AGENT_ID"}, "ENDPOINT"); err != nil {
		errs = append(errs, err)
	} else if on {
		c.DingTalk = push.DingTalkConfig{AppKey: v["APP_KEY"], AppSecret: v["APP_SECRET"], AgentID: v["AGENT_ID"], Endpoint: v["ENDPOINT"]}
		if _, err := push.NewDingTalk(c.DingTalk); err != nil {
			errs = append(errs, fmt.Errorf("HOUQIN_DINGTALK_AGENT_ID: %v", err))
		}
	}
	for _, e := range []string{"HOUQIN_APNS_ENDPOINT", "HOUQIN_HUAWEI_ENDPOINT", "HOUQIN_HONOR_ENDPOINT",
		"HOUQIN_XIAOMI_ENDPOINT", "HOUQIN_OPPO_ENDPOINT", "HOUQIN_VIVO_ENDPOINT", "HOUQIN_HARMONY_ENDPOINT",
		"HOUQIN_WECOM_ENDPOINT", "HOUQIN_DINGTALK_ENDPOINT", "HOUQIN_WECOM_CARD_URL"} {
		if u := get(e, ""); u != "" && !strings.HasPrefix(u, "http://") && !strings.HasPrefix(u, "https://") {
			errs = append(errs, fmt.Errorf("%s %q is not an http(s) URL", e, u))
		}
	}
	return errs
}

// vendorVars reads one push vendor's variables (names after prefix): with
// all of required set the vendor is on; with none of its variables set it
// is off; a part of them stops start-up, naming the first one missing.
func vendorVars(get func(key, def string) string, prefix string, required []string, optional ...string) (map[string]string, bool, error) {
	v := map[string]string{}
	var missing []string
	for _, k := range required {
		if v[k] = get(prefix+k, ""); v[k] == "" {
			missing = append(missing, prefix+k)
		}
	}
	set := len(missing) < len(required)
	for _, k := range optional {
		if v[k] = get(prefix+k, ""); v[k] != "" {
			set = true
		}
	}
	switch {
	case !set:
		return nil, false, nil
	case len(missing) > 0:
		return nil, false, fmt.Errorf("%s is not set, but other %s* variables are: set it or unset them all", missing[0], prefix)
	}
	return v, true, nil
}
