// Package apigen turns api.txt, go-store's exported API written as Go
// declarations, into Go files that reference every identifier through the
// binding with its exact type, so the API-surface package compiles only
// when the binding offers all of it.
package apigen

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/printer"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

// MissingFile holds the declarations the binding does not offer yet; its
// build tag keeps it out of normal builds.
const MissingFile = "surface_missing.go"

// importPaths maps the package names api.txt may use to their paths.
var importPaths = map[string]string{
	"context": "context",
	"fs":      "io/fs",
	"io":      "io",
	"iter":    "iter",
	"sql":     "database/sql",
	"time":    "time",
}

var sectionLine = regexp.MustCompile(`^§(\d+) (\S+)(?: missing: (.+))?$`)

// section is one "§N file" part of api.txt.
type section struct {
	number  int
	file    string
	missing bool
	body    strings.Builder
}

// output collects the references of one generated file.
type output struct {
	decls     []string
	constants []string
	imports   map[string]bool
}

// Generate returns the generated files (name → content) for api.
func Generate(api []byte) (map[string][]byte, error) {
	sections, err := splitSections(api)
	if err != nil {
		return nil, err
	}
	fset := token.NewFileSet()
	files := make([]*ast.File, len(sections))
	declared := map[string]bool{}
	for i, s := range sections {
		file, err := parser.ParseFile(fset, s.file, "package api\n"+s.body.String(), parser.ParseComments)
		if err != nil {
			return nil, fmt.Errorf("api.txt §%d: %w", s.number, err)
		}
		files[i] = file
		for _, decl := range file.Decls {
			if gen, ok := decl.(*ast.GenDecl); ok && gen.Tok == token.TYPE {
				for _, spec := range gen.Specs {
					declared[spec.(*ast.TypeSpec).Name.Name] = true
				}
			}
		}
	}
	g := &generator{fset: fset, declared: declared}
	result := map[string][]byte{}
	missing := &output{imports: map[string]bool{}}
	for i, s := range sections {
		present := &output{imports: map[string]bool{}}
		for _, decl := range files[i].Decls {
			target := present
			if s.missing || markedMissing(decl) {
				target = missing
			}
			if err := g.reference(decl, target); err != nil {
				return nil, fmt.Errorf("api.txt §%d: %w", s.number, err)
			}
		}
		if len(present.decls)+len(present.constants) == 0 {
			continue
		}
		name := fmt.Sprintf("surface_s%02d_%s.go", s.number, strings.TrimSuffix(s.file, ".go"))
		if result[name], err = render(present, fmt.Sprintf("§%d %s", s.number, s.file), ""); err != nil {
			return nil, err
		}
	}
	if result[MissingFile], err = render(missing, "declarations the binding does not offer yet", "apisurface_missing"); err != nil {
		return nil, err
	}
	return result, nil
}

// Write regenerates the files in dir from dir/api.txt, removing generated
// files that no longer have a section.
func Write(dir string) error {
	api, err := os.ReadFile(filepath.Join(dir, "api.txt"))
	if err != nil {
		return err
	}
	files, err := Generate(api)
	if err != nil {
		return err
	}
	old, _ := filepath.Glob(filepath.Join(dir, "surface_*.go"))
	for _, path := range old {
		if _, keep := files[filepath.Base(path)]; !keep {
			if err := os.Remove(path); err != nil {
				return err
			}
		}
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), content, 0o644); err != nil {
			return err
		}
	}
	return nil
}

func splitSections(api []byte) ([]*section, error) {
	var sections []*section
	for n, line := range strings.Split(string(api), "\n") {
		if strings.HasPrefix(line, "§") {
			m := sectionLine.FindStringSubmatch(line)
			if m == nil {
				return nil, fmt.Errorf("api.txt line %d: bad section line %q", n+1, line)
			}
			s := &section{file: m[2], missing: m[3] != ""}
			fmt.Sscan(m[1], &s.number)
			sections = append(sections, s)
			continue
		}
		if len(sections) > 0 {
			sections[len(sections)-1].body.WriteString(line + "\n")
		}
	}
	if len(sections) == 0 {
		return nil, fmt.Errorf("api.txt has no sections")
	}
	return sections, nil
}

func markedMissing(decl ast.Decl) bool {
	var doc *ast.CommentGroup
	switch d := decl.(type) {
	case *ast.FuncDecl:
		doc = d.Doc
	case *ast.GenDecl:
		doc = d.Doc
	}
	return doc != nil && strings.Contains(doc.Text(), "missing:")
}

type generator struct {
	fset     *token.FileSet
	declared map[string]bool
}

// expr prints a type expression with api types qualified as store.X and
// records the packages it uses.
func (g *generator) expr(e ast.Expr, out *output) string {
	e = qualify(e, g.declared, out.imports)
	var buf bytes.Buffer
	printer.Fprint(&buf, g.fset, e)
	return buf.String()
}

// qualify rewrites e in place (api.txt's AST is used once): idents naming
// api types become store.Name, and package selectors are noted for the
// import list.
func qualify(e ast.Expr, declared map[string]bool, imports map[string]bool) ast.Expr {
	rewrite := func(n ast.Node) bool {
		switch x := n.(type) {
		case *ast.SelectorExpr:
			if pkg, ok := x.X.(*ast.Ident); ok {
				imports[pkg.Name] = true
			}
			return false
		case *ast.Field:
			x.Type = fix(x.Type, declared)
		case *ast.StarExpr:
			x.X = fix(x.X, declared)
		case *ast.ArrayType:
			x.Elt = fix(x.Elt, declared)
		case *ast.MapType:
			x.Key, x.Value = fix(x.Key, declared), fix(x.Value, declared)
		case *ast.ChanType:
			x.Value = fix(x.Value, declared)
		case *ast.Ellipsis:
			x.Elt = fix(x.Elt, declared)
		case *ast.IndexExpr:
			x.Index = fix(x.Index, declared)
		case *ast.IndexListExpr:
			for i := range x.Indices {
				x.Indices[i] = fix(x.Indices[i], declared)
			}
		}
		return true
	}
	e = fix(e, declared)
	ast.Inspect(e, rewrite)
	return e
}

func fix(e ast.Expr, declared map[string]bool) ast.Expr {
	if id, ok := e.(*ast.Ident); ok && declared[id.Name] {
		// Keep the position so the printer lays the expression out on one line.
		return &ast.SelectorExpr{X: &ast.Ident{NamePos: id.NamePos, Name: "store"}, Sel: &ast.Ident{NamePos: id.NamePos, Name: id.Name}}
	}
	return e
}

func (g *generator) reference(decl ast.Decl, out *output) error {
	switch d := decl.(type) {
	case *ast.FuncDecl:
		return g.function(d, out)
	case *ast.GenDecl:
		for _, spec := range d.Specs {
			var err error
			switch s := spec.(type) {
			case *ast.ValueSpec:
				err = g.value(d.Tok, s, out)
			case *ast.TypeSpec:
				err = g.typ(s, out)
			}
			if err != nil {
				return err
			}
		}
	}
	return nil
}

// function checks a function or method by assigning it (as a method
// expression for methods) to a variable of the exact func type.
func (g *generator) function(d *ast.FuncDecl, out *output) error {
	var params []string
	name := "store." + d.Name.Name
	if d.Recv != nil {
		recv := g.expr(d.Recv.List[0].Type, out)
		params = append(params, recv)
		name = "(" + recv + ")." + d.Name.Name
	}
	params = append(params, g.types(d.Type.Params, out)...)
	sig := "func(" + strings.Join(params, ", ") + ")"
	if results := g.types(d.Type.Results, out); len(results) == 1 {
		sig += " " + results[0]
	} else if len(results) > 1 {
		sig += " (" + strings.Join(results, ", ") + ")"
	}
	out.decls = append(out.decls, fmt.Sprintf("var _ %s = %s", sig, name))
	return nil
}

// types lists a field list's types, one per name, without the names (a
// method expression's receiver has none, and Go forbids mixing).
func (g *generator) types(fields *ast.FieldList, out *output) []string {
	if fields == nil {
		return nil
	}
	var list []string
	for _, field := range fields.List {
		typ := g.expr(field.Type, out)
		for range max(1, len(field.Names)) {
			list = append(list, typ)
		}
	}
	return list
}

// value checks a variable's exact type through its address, and a
// constant's type at compile time and value at test time.
func (g *generator) value(tok token.Token, s *ast.ValueSpec, out *output) error {
	for i, id := range s.Names {
		switch tok {
		case token.VAR:
			out.decls = append(out.decls, fmt.Sprintf("var _ *%s = &store.%s", g.expr(s.Type, out), id.Name))
		case token.CONST:
			if len(s.Values) <= i {
				return fmt.Errorf("constant %s needs a value", id.Name)
			}
			var value bytes.Buffer
			printer.Fprint(&value, g.fset, s.Values[i])
			want := value.String()
			if s.Type != nil {
				typ := g.expr(s.Type, out)
				out.decls = append(out.decls, fmt.Sprintf("var _ %s = store.%s", typ, id.Name))
				want = typ + "(" + want + ")"
			}
			out.constants = append(out.constants, fmt.Sprintf("{%q, store.%s, %s}", id.Name, id.Name, want))
		}
	}
	return nil
}

// typ checks a type: struct fields by name, exact type and order (all of
// them unless the struct has unexported state);
// interface method sets for identity; other types by their underlying type.
func (g *generator) typ(s *ast.TypeSpec, out *output) error {
	name := "store." + s.Name.Name
	switch t := s.Type.(type) {
	case *ast.StructType:
		out.decls = append(out.decls, fmt.Sprintf("var _ *%s", name))
		var names, fields []string
		opaque := false
		for _, field := range t.Fields.List {
			if len(field.Names) == 0 {
				opaque = true // unexported state the caller cannot see
				continue
			}
			typ := g.expr(field.Type, out)
			for _, n := range field.Names {
				names = append(names, fmt.Sprintf("\tvar _ *%s = &v.%s", typ, n.Name))
				fields = append(fields, "\t"+n.Name+" "+typ)
			}
		}
		if len(names) > 0 {
			out.decls = append(out.decls, fmt.Sprintf("func _(v *%s) {\n%s\n}", name, strings.Join(names, "\n")))
		}
		if !opaque {
			// A conversion between struct types compiles only when their
			// fields match in name, type and order, with none extra.
			local := "api" + s.Name.Name
			out.decls = append(out.decls,
				fmt.Sprintf("type %s struct {\n%s\n}", local, strings.Join(fields, "\n")),
				fmt.Sprintf("var _ = %s(%s{})", name, local))
		}
	case *ast.InterfaceType:
		local := "api" + s.Name.Name
		out.decls = append(out.decls,
			fmt.Sprintf("type %s %s", local, g.expr(t, out)),
			fmt.Sprintf("var _ %s = %s(nil)", name, local),
			fmt.Sprintf("var _ %s = %s(nil)", local, name))
	default:
		check := "underlying" + s.Name.Name
		out.decls = append(out.decls,
			fmt.Sprintf("func %s[T ~%s]() {}", check, g.expr(s.Type, out)),
			fmt.Sprintf("var _ = %s[%s]", check, name))
	}
	return nil
}

func render(out *output, what, tag string) ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString("// Code generated by apigen from api.txt; DO NOT EDIT.\n\n")
	if tag != "" {
		fmt.Fprintf(&buf, "//go:build %s\n\n", tag)
	}
	fmt.Fprintf(&buf, "// References to go-store's API: %s.\n\npackage apisurface\n\n", what)
	if len(out.decls) == 0 && len(out.constants) == 0 {
		// Nothing to reference (e.g. nothing is missing any more): an
		// import would be unused and the file would not compile.
		return format.Source(buf.Bytes())
	}
	buf.WriteString("import (\n")
	paths := []string{`store "dappco.re/go/store"`}
	for pkg := range out.imports {
		if path, ok := importPaths[pkg]; ok {
			paths = append(paths, fmt.Sprintf("%q", path))
		}
	}
	sort.Strings(paths)
	for _, path := range paths {
		buf.WriteString("\t" + path + "\n")
	}
	buf.WriteString(")\n\n")
	for _, decl := range out.decls {
		buf.WriteString(decl + "\n\n")
	}
	if len(out.constants) > 0 {
		buf.WriteString("func init() {\n\tconstants = append(constants,\n")
		for _, c := range out.constants {
			buf.WriteString("\t\tconstant" + c + ",\n")
		}
		buf.WriteString("\t)\n}\n")
	}
	formatted, err := format.Source(buf.Bytes())
	if err != nil {
		return nil, fmt.Errorf("%s: %w\n%s", what, err, buf.Bytes())
	}
	return formatted, nil
}
