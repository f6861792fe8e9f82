package api

import (
	"embed"
	"fmt"
	"reflect"

	"github.com/BurntSushi/toml"
	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"

	"houqin/models/store"
)

// The messages people read (problem titles, details and field messages)
// are written in English where they are raised, as fmt templates; the
// template is the message id. At the edge they are translated from these
// catalogues: zh.toml translates every template, and en.toml only the terms
// and titles whose English differs from the code's word.
//
//go:embed locales/*.toml
var localeFiles embed.FS

// languages are the ones we answer in; the first is the default, for a
// client that sends no Accept-Language or one we do not speak.
var languages = []language.Tag{language.Chinese, language.English}

// translator localizes messages for one request's language.
type translator struct {
	loc  *i18n.Localizer
	lang string
}

// catalogue is the bundle of translations and one translator per language.
type catalogue struct {
	matcher     language.Matcher
	translators []translator
}

// messages is loaded once: the files are part of the binary, so a broken
// one fails every test and the first start, never a request.
var messages = mustCatalogue()

func mustCatalogue() *catalogue {
	c, err := newCatalogue()
	if err != nil {
		panic(err)
	}
	return c
}

func newCatalogue() (*catalogue, error) {
	b := i18n.NewBundle(language.English)
	b.RegisterUnmarshalFunc("toml", toml.Unmarshal)
	for _, name := range []string{"locales/zh.toml", "locales/en.toml"} {
		if _, err := b.LoadMessageFileFS(localeFiles, name); err != nil {
			return nil, fmt.Errorf("load %s: %w", name, err)
		}
	}
	c := &catalogue{matcher: language.NewMatcher(languages)}
	for _, tag := range languages {
		c.translators = append(c.translators, translator{i18n.NewLocalizer(b, tag.String()), tag.String()})
	}
	return c, nil
}

// For picks the translator for an Accept-Language header: Chinese unless
// the client prefers English.
func (c *catalogue) For(acceptLanguage string) translator {
	tags, _, _ := language.ParseAcceptLanguage(acceptLanguage)
	_, i, conf := c.matcher.Match(tags...)
	if conf == language.No {
		i = 0
	}
	return c.translators[i]
}

// lookup translates id; a message missing from the catalogue reads as def
// (the completeness test keeps that from happening).
func (t translator) lookup(id, def string) string {
	s, _ := t.loc.Localize(&i18n.LocalizeConfig{DefaultMessage: &i18n.Message{ID: id, Other: def}})
	if s == "" {
		return def
	}
	return s
}

// Text translates an English template and fills in its arguments.
func (t translator) Text(template string, args []any) string {
	tr := t.lookup(template, template)
	if len(args) == 0 {
		return tr
	}
	out := make([]any, len(args))
	for i, a := range args {
		out[i] = t.arg(a)
	}
	return fmt.Sprintf(tr, out...)
}

// arg translates what is ours among a message's arguments: nested field
// messages, terms and the domains' string types (statuses, meals, roles).
// Plain strings (names people typed) and numbers stay as they are.
func (t translator) arg(a any) any {
	if f, ok := a.(store.FieldError); ok {
		return t.Text(f.Message, f.Args)
	}
	v := reflect.ValueOf(a)
	if v.Kind() == reflect.String && v.Type() != reflect.TypeFor[string]() {
		return t.Term(v.String())
	}
	return a
}

// Term translates one of our words ("room", "pending").
func (t translator) Term(word string) string { return t.lookup("term."+word, word) }

// Title translates the title of a problem with this code.
func (t translator) Title(code store.Code, status int) string {
	return t.lookup("title."+string(code), defaultTitle(status))
}
