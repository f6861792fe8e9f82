package api_test

import (
	"strings"
	"testing"

	"houqin/api"
)

func TestRedisURLConfig(t *testing.T) {
	load := func(url string) (api.Config, error) {
		return api.LoadConfig(func(k string) string { return map[string]string{"HOUQIN_REDIS_URL": url}[k] })
	}
	if c, err := load(""); err != nil || c.Redis != nil {
		t.Fatalf("unset: Redis %v, %v; want none, no error", c.Redis, err)
	}
	for _, bad := range []string{"127.0.0.1:6379", "http://127.0.0.1:6379", "redis://:s3cret-pw@127.0.0.1:6379/notadb"} {
		_, err := load(bad)
		if err == nil || !strings.Contains(err.Error(), "HOUQIN_REDIS_URL") {
			t.Errorf("%q: %v, want an error naming HOUQIN_REDIS_URL", bad, err)
		} else if strings.Contains(err.Error(), "s3cret-pw") {
			t.Errorf("%q: the error quotes the password: %v", bad, err)
		}
	}
	c, err := load("rediss://houqin:s3cret-pw@redis.example.gov.cn:6380/2")
	if err != nil || c.Redis.Addr != "redis.example.gov.cn:6380" || c.Redis.Password != "s3cret-pw" || c.Redis.DB != 2 || c.Redis.TLSConfig == nil {
		t.Fatalf("rediss URL: %+v, %v", c.Redis, err)
	}
}
