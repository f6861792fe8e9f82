package people

import (
	"runtime"
	"runtime/debug"
	"sync"
	"time"

	"github.com/alexedwards/argon2id"
)

// PasswordParams are the argon2id parameters: OWASP's recommended minimum
// (19 MiB, 2 passes, 1 lane), which costs about 25 ms on one core here.
var PasswordParams = &argon2id.Params{Memory: 19 * 1024, Iterations: 2, Parallelism: 1, SaltLength: 16, KeyLength: 32}

// dummyHash is compared against when a username is unknown, so that the
// response time does not reveal which usernames exist. It is a constant
// (of the password "houqin-no-such-user" under PasswordParams): computing
// it at start-up would cost 19 MiB of heap before the first request.
const dummyHash = "$argon2id$v=19$m=19456,t=2,p=1$gtR1L+nXoBrg//JdjiqOEA$B/2fKxkwWgJRdKQ7K2Gl4LAZqBdiI2SWRaA+dWQCVxk"

// hashing admits as many argon2id computations at once as there are cores.
// More at once would finish no sooner and hold 19 MiB each: a burst of 60
// logins would otherwise take over a gigabyte.
var hashing = make(chan struct{}, runtime.GOMAXPROCS(0))

// argon runs one argon2id computation when a core is free for it, then
// arranges for its memory to go back to the system once a burst is over.
func argon[T any](f func() (T, error)) (T, error) {
	hashing <- struct{}{}
	defer func() {
		<-hashing
		settleLater()
	}()
	return f()
}

// settle returns the heap to the system a moment after the last password
// computation of a burst. Each leaves 19 MiB of garbage that the runtime
// would otherwise keep resident for minutes on an idle service, since no
// allocation triggers the collection that frees it.
var settle struct {
	sync.Mutex
	t *time.Timer
}

func settleLater() {
	settle.Lock()
	defer settle.Unlock()
	if settle.t == nil {
		settle.t = time.AfterFunc(settleAfter, debug.FreeOSMemory)
	}
	settle.t.Reset(settleAfter)
}

const settleAfter = 2 * time.Second
