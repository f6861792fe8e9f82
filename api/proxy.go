package api

import (
	"net/netip"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// parseProxy reads one HOUQIN_TRUSTED_PROXIES entry: an address is a
// range of one.
func parseProxy(s string) (netip.Prefix, error) {
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		return p.Masked(), err
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, err
	}
	return netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()), nil
}

// forwardedFor leaves in X-Forwarded-For only the client address our own
// proxies vouch for, so c.IP() (rate limits, logs) cannot be chosen by the
// client. A proxy appends the address it saw, so the list is read from the
// right, past our proxies, to the first address none of them is; whatever a
// client wrote further left is ignored. Fiber believes the header only
// from a trusted peer (EnableTrustedProxyCheck), so other requests pass as
// they are.
func forwardedFor(trusted []string) fiber.Handler {
	var ranges []netip.Prefix
	for _, t := range trusted {
		if p, err := parseProxy(t); err == nil {
			ranges = append(ranges, p)
		}
	}
	isProxy := func(s string) bool {
		a, err := netip.ParseAddr(strings.TrimSpace(s))
		if err != nil {
			return false
		}
		for _, p := range ranges {
			if p.Contains(a.Unmap()) {
				return true
			}
		}
		return false
	}
	return func(c *fiber.Ctx) error {
		h := &c.Request().Header
		list := string(h.Peek(fiber.HeaderXForwardedFor))
		if list == "" || !c.IsProxyTrusted() {
			return c.Next()
		}
		hops := strings.Split(list, ",")
		client := strings.TrimSpace(hops[0])
		for i := len(hops) - 1; i >= 0; i-- {
			if !isProxy(hops[i]) {
				client = strings.TrimSpace(hops[i])
				break
			}
		}
		h.Set(fiber.HeaderXForwardedFor, client)
		return c.Next()
	}
}
