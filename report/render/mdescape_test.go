package render

import (
	"bytes"
	"strings"
	"testing"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
)

// gfm renders markdown as GitHub does, with a real GFM renderer.
func gfm(t testing.TB, md string) string {
	t.Helper()
	var b bytes.Buffer
	if err := goldmark.New(goldmark.WithExtensions(extension.GFM)).Convert([]byte(md), &b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// htmlText is s as a GFM renderer writes literal text in HTML.
var htmlText = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;")

// mdAttacks are keys and names that would render as something else than
// themselves in markdown if written raw.
var mdAttacks = []string{
	"*bold*_x_",
	"__strong__ and **strong**",
	"~~struck~~ ~one~",
	"`code`",
	"[link](http://evil.example)",
	"![img](http://evil.example/x.png)",
	"<b>html</b><script>alert(1)</script>",
	"http://evil.example/path",
	"www.evil.example",
	"me@evil.example",
	"&copy; &#169;",
	"$x^2$",
	"a | b",
	"# heading",
	"- item",
	"+ item",
	"1. item",
	"12) item",
	"1.01",
	"> quote",
	"= underline",
	`back\slash\*`,
	"plain-key_01",
}

// TestMarkdownEscapeRendersLiterally renders every attack as GitHub would,
// in a table cell and in a list item, and checks the HTML holds the text
// itself and nothing it made: no emphasis, link, image, code, tag, list,
// heading or quote.
func TestMarkdownEscapeRendersLiterally(t *testing.T) {
	forms := []struct {
		name, md, open, close string
	}{
		{"cell", "| key |\n|---|\n| %s |\n", "<td>", "</td>"},
		{"line", "- note: x\n- %s\n", "<li>", "</li>\n</ul>"},
		{"paragraph", "%s\n", "<p>", "</p>"},
	}
	for _, s := range mdAttacks {
		for _, f := range forms {
			t.Run(f.name+"/"+s, func(t *testing.T) {
				html := gfm(t, strings.Replace(f.md, "%s", mdEscape(s), 1))
				want := f.open + htmlText.Replace(s) + f.close
				if !strings.Contains(html, want) {
					t.Errorf("%q escaped as %q renders\n%s\nwant it to hold %s", s, mdEscape(s), html, want)
				}
			})
		}
	}
}

// TestMarkdownKeysRenderLiterally: a check whose key is *bold*_x_ (and
// other attacks) written as markdown and rendered by a GFM renderer shows
// the key as it is, with no <em>, <strong>, <a>, <del> or <img> made from
// it: as many of each as with a plain key, the report's own.
func TestMarkdownKeysRenderLiterally(t *testing.T) {
	render := func(t *testing.T, key string) (string, string) {
		var b bytes.Buffer
		if err := Write(&b, nastyCheck(t, key), Markdown); err != nil {
			t.Fatal(err)
		}
		return b.String(), gfm(t, b.String())
	}
	_, plain := render(t, "plainkey")
	for _, key := range []string{"*bold*_x_", "[x](http://evil.example)", "__y__ www.evil.example ~~z~~"} {
		t.Run(key, func(t *testing.T) {
			md, html := render(t, key)
			if !strings.Contains(html, ">"+htmlText.Replace(key)+"</td>") {
				t.Errorf("no cell holds the key %q literally:\n%s\n%s", key, md, html)
			}
			for _, tag := range []string{"<em>", "<strong>", "<a ", "<del>", "<img", "<code>"} {
				if got, want := strings.Count(html, tag), strings.Count(plain, tag); got != want {
					t.Errorf("%d %s, want %d: the key made some:\n%s", got, tag, want, html)
				}
			}
		})
	}
}
