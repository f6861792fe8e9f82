package handlers

import (
	"time"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	jsonv1 "github.com/go-json-experiment/json/v1"
)

// TimeLayout is the one shape of every instant the API sends: RFC 3339 in
// the site time zone with exactly milliseconds, 2026-12-01T09:00:00.000+08:00.
// Both databases keep milliseconds, so both answer alike.
const TimeLayout = "2006-01-02T15:04:05.000Z07:00"

// JSONEncoder returns the encoder of every JSON body the API sends
// (responses, problems, live events): encoding/json's behaviour, except that
// each time.Time is written in TimeLayout in loc, whatever zone and
// precision it came with, so no handler has to remember to convert.
func JSONEncoder(loc *time.Location) func(any) ([]byte, error) {
	opts := json.JoinOptions(jsonv1.DefaultOptionsV1(), json.WithMarshalers(
		json.MarshalToFunc(func(enc *jsontext.Encoder, t time.Time) error {
			return enc.WriteToken(jsontext.String(t.In(loc).Format(TimeLayout)))
		})))
	return func(v any) ([]byte, error) { return json.Marshal(v, opts) }
}
