package api

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/printer"
	"go/token"
	"io/fs"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"houqin/models/canteen"
	"houqin/models/complaint"
	"houqin/models/inspect"
	"houqin/models/meeting"
	"houqin/models/notify"
	"houqin/models/repair"
	"houqin/models/shuttle"
	"houqin/models/store"
)

// TestEveryMessageIsTranslated reads the module's source for every message
// a client can be shown (the templates given to store.Errorf, InvalidField,
// Field and the Error and FieldError literals, the words given to Term,
// ErrNotFound and NotFound) and fails on one the Chinese catalogue lacks,
// on a translation whose fmt verbs differ from the English ones, and on a
// message that is not a literal, which no catalogue could hold.
func TestEveryMessageIsTranslated(t *testing.T) {
	templates, terms := sourceMessages(t, "..")
	if len(templates) < 100 || len(terms) < 10 {
		t.Fatalf("found only %d templates and %d terms: is the scan broken?", len(templates), len(terms))
	}
	for _, m := range []string{internalDetail, unavailableDetail, store.InvalidFields, "%s: %s"} {
		templates[m] = "api, store.Invalid"
	}
	for _, m := range fiberDetails {
		templates[m] = "api/errors.go"
	}
	for _, e := range []store.Enumerated{store.Role(""), notify.Category(""), repair.Category(""),
		repair.RepairStatus(""), repair.Priority(""), canteen.Meal(""), canteen.DishCategory(""), shuttle.TripStatus(""),
		inspect.Status(""), inspect.Kind(""), complaint.Status(""), complaint.Area(""), complaint.Kind(""), complaint.LinkKind("")} {
		for _, v := range e.Enum() {
			terms[v] = fmt.Sprintf("%T", e)
		}
	}
	for _, v := range []meeting.BookingStatus{meeting.BookingPending, meeting.BookingApproved,
		meeting.BookingRejected, meeting.BookingCancelled, meeting.BookingReleased} {
		terms[string(v)] = "meeting.BookingStatus"
	}
	for _, v := range slices.Concat(meeting.RoomEquipment, meeting.BookingServices) {
		terms[v] = "meeting.RoomEquipment, BookingServices"
	}
	for d := time.Sunday; d <= time.Saturday; d++ {
		terms[d.String()] = "time.Weekday (canteen.Canteen.Serving)"
	}
	for _, v := range []repair.RepairAction{repair.RepairCreate, repair.RepairAssign, repair.RepairStart,
		repair.RepairResolve, repair.RepairFeedback, repair.RepairCallback, repair.RepairCancel, repair.RepairReject,
		repair.RepairReopen} {
		terms[string(v)] = "repair.RepairAction"
	}
	for _, v := range inspect.Actions {
		terms[string(v)] = "inspect.Action"
	}
	for _, v := range complaint.Actions {
		terms[string(v)] = "complaint.Action"
	}

	zh := catalogueFor(t, "zh")
	for m, where := range templates {
		tr := zh.lookup(m, "")
		switch {
		case tr == "":
			t.Errorf("%s: no Chinese translation in api/locales/zh.toml for %q", where, m)
		case !slices.Equal(verbs(m), verbs(tr)):
			t.Errorf("%s: %q: the translation %q has the verbs %v, the English %v", where, m, tr, verbs(tr), verbs(m))
		}
	}
	for w, where := range terms {
		if zh.lookup("term."+w, "") == "" {
			t.Errorf("%s: no Chinese for the term %q in [term] of api/locales/zh.toml", where, w)
		}
	}
	for code := range statusOf {
		if zh.lookup("title."+string(code), "") == "" {
			t.Errorf("no Chinese title for %q in [title] of api/locales/zh.toml", code)
		}
	}
}

// TestAcceptLanguage picks Chinese unless the client prefers English.
func TestAcceptLanguage(t *testing.T) {
	for header, want := range map[string]string{
		"": "zh", "en": "en", "en-US,en;q=0.9": "en", "zh-CN,zh;q=0.9,en;q=0.8": "zh", "fr": "zh",
		"fr,en;q=0.5": "en", "zh-TW": "zh", "x;;;=,": "zh", strings.Repeat("en-", 2000): "zh",
	} {
		if got := messages.For(header).lang; got != want {
			t.Errorf("Accept-Language %.30q: %s, want %s", header, got, want)
		}
	}
}

func catalogueFor(t *testing.T, lang string) translator {
	t.Helper()
	c, err := newCatalogue()
	if err != nil {
		t.Fatal(err)
	}
	tr := c.For(lang)
	if tr.lang != lang {
		t.Fatalf("asked for %s, got %s", lang, tr.lang)
	}
	return tr
}

var verbRE = regexp.MustCompile(`%(\[\d+\])?[-+# 0]*\d*(\.\d+)?[a-zA-Z%]`)

// verbs lists a template's fmt verbs in argument order, so a translation
// may reorder them with explicit indexes (%[2]s) but not change them.
func verbs(s string) []string {
	var out []string
	next := 1
	for _, v := range verbRE.FindAllString(s, -1) {
		if v == "%%" {
			continue
		}
		n := next
		if i := strings.Index(v, "["); i >= 0 {
			n, _ = strconv.Atoi(v[i+1 : strings.Index(v, "]")])
			v = v[:i] + v[strings.Index(v, "]")+1:]
		}
		for len(out) < n {
			out = append(out, "")
		}
		out[n-1] = v
		next = n + 1
	}
	return out
}

// messageArg says which argument of a store function is a template or a
// word (term); Term may also convert a variable, whose values come from a
// list the test checks on its own.
var messageArg = map[string]struct {
	index     int
	term      bool
	variables bool
}{
	"Errorf": {1, false, false}, "InvalidField": {1, false, false}, "Field": {1, false, false},
	"Term": {0, true, true}, "ErrNotFound": {0, true, false}, "NotFound": {1, true, false},
}

// messageMachinery are the files that build and render messages from
// templates they are given, rather than raise them.
var messageMachinery = map[string]bool{"../models/store/errors.go": true, "../api/errors.go": true}

// sourceMessages collects templates and terms (each with where it was
// found) from every non-test Go file under root.
func sourceMessages(t *testing.T, root string) (templates, terms map[string]string) {
	templates, terms = map[string]string{}, map[string]string{}
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") ||
			messageMachinery[filepath.ToSlash(path)] {
			return err
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		inStore := f.Name.Name == "store"
		consts := stringConsts(f)
		literal := func(e ast.Expr) (string, bool) { return constString(e, consts) }
		add := func(into map[string]string, e ast.Expr) {
			where := fset.Position(e.Pos()).String()
			if s, ok := literal(e); ok {
				into[s] = where
				return
			}
			t.Errorf("%s: a message must be a literal template with arguments (so it can be translated), not %s",
				where, exprString(fset, e))
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.CallExpr:
				name, ok := storeName(n.Fun, inStore)
				arg, known := messageArg[name]
				if !ok || !known || len(n.Args) <= arg.index {
					return true
				}
				if _, lit := literal(n.Args[arg.index]); !lit && arg.variables {
					return true
				}
				if arg.term {
					add(terms, n.Args[arg.index])
				} else {
					add(templates, n.Args[arg.index])
				}
			case *ast.CompositeLit:
				name, ok := storeName(n.Type, inStore)
				if !ok || (name != "Error" && name != "FieldError") {
					return true
				}
				for _, el := range n.Elts {
					if kv, ok := el.(*ast.KeyValueExpr); ok && isIdent(kv.Key, "Message") {
						add(templates, kv.Value)
					}
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return templates, terms
}

// storeName is the name e refers to if it is one of package store's.
func storeName(e ast.Expr, inStore bool) (string, bool) {
	switch e := e.(type) {
	case *ast.SelectorExpr:
		return e.Sel.Name, isIdent(e.X, "store")
	case *ast.Ident:
		return e.Name, inStore
	}
	return "", false
}

func isIdent(e ast.Expr, name string) bool {
	id, ok := e.(*ast.Ident)
	return ok && id.Name == name
}

// stringConsts are a file's string constants.
func stringConsts(f *ast.File) map[string]ast.Expr {
	out := map[string]ast.Expr{}
	for _, d := range f.Decls {
		if g, ok := d.(*ast.GenDecl); ok && g.Tok == token.CONST {
			for _, s := range g.Specs {
				vs := s.(*ast.ValueSpec)
				for i, n := range vs.Names {
					if i < len(vs.Values) {
						out[n.Name] = vs.Values[i]
					}
				}
			}
		}
	}
	return out
}

// constString evaluates a string literal, a constant of the same file or a
// concatenation of those.
func constString(e ast.Expr, consts map[string]ast.Expr) (string, bool) {
	switch e := e.(type) {
	case *ast.BasicLit:
		if e.Kind == token.STRING {
			s, err := strconv.Unquote(e.Value)
			return s, err == nil
		}
	case *ast.ParenExpr:
		return constString(e.X, consts)
	case *ast.Ident:
		if v, ok := consts[e.Name]; ok {
			return constString(v, consts)
		}
	case *ast.BinaryExpr:
		if e.Op == token.ADD {
			a, ok1 := constString(e.X, consts)
			b, ok2 := constString(e.Y, consts)
			return a + b, ok1 && ok2
		}
	}
	return "", false
}

func exprString(fset *token.FileSet, e ast.Expr) string {
	var b strings.Builder
	_ = printer.Fprint(&b, fset, e)
	return b.String()
}
