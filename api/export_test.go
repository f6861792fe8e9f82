package api

// LoginLimiterKeys is the number of counters the login limiters hold.
func (s *Server) LoginLimiterKeys() int { return s.logins.keys() }
