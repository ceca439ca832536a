package tables

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// WriteText writes the table as the command line prints it.
func WriteText(w io.Writer, t *Table, o Options) error {
	if t.text != nil {
		return t.text(w, t, o)
	}
	g := NewGrid(w, t, nil, false)
	for _, r := range t.Rows {
		g.Row(r)
	}
	return g.Close()
}

// TextColumn is a column of the text form: its header (in capitals, as the command line prints
// it) and its cell, read from a row of the table.
type TextColumn struct {
	Head Label
	Cell func(r Row) string
}

// Grid writes rows as aligned text columns under a header line, as the command line prints
// tables; with follow it writes each row as it comes (aligned with itself only).
type Grid struct {
	t      *Table
	w      io.Writer
	cols   []TextColumn
	tw     *tabwriter.Writer
	follow bool
	err    error
}

// NewGrid starts a text grid of the table's text columns (cols; nil: a column each of the
// table's, in its header's capitals) and writes its header.
func NewGrid(w io.Writer, t *Table, cols []TextColumn, follow bool) *Grid {
	if cols == nil {
		for i, c := range t.Columns {
			c, i := c, i
			cols = append(cols, TextColumn{
				Head: Label{strings.ToUpper(c.Head.VI), strings.ToUpper(c.Head.EN)},
				Cell: func(r Row) string { return cellText(c.Kind, r[i], t.Lang) },
			})
		}
	}
	g := &Grid{t: t, w: w, cols: cols, tw: tabwriter.NewWriter(w, 0, 4, 2, ' ', 0), follow: follow}
	heads := make([]string, len(cols))
	for i, c := range cols {
		heads[i] = c.Head.In(t.Lang)
	}
	g.line(strings.Join(heads, "\t"))
	return g
}

func (g *Grid) line(s string) {
	if g.err == nil {
		_, g.err = fmt.Fprintln(g.tw, s)
	}
}

// Row writes one row.
func (g *Grid) Row(r Row) {
	cells := make([]string, len(g.cols))
	for i, c := range g.cols {
		cells[i] = c.Cell(r)
	}
	g.line(strings.Join(cells, "\t"))
	if g.follow && g.err == nil {
		g.err = g.tw.Flush()
		if f, ok := g.w.(interface{ Flush() error }); ok && g.err == nil {
			g.err = f.Flush()
		}
	}
}

// Line writes a line that is not a row (it still takes part in the alignment).
func (g *Grid) Line(s string) { g.line(s) }

// Close aligns and writes what is left.
func (g *Grid) Close() error {
	if err := g.tw.Flush(); g.err == nil {
		g.err = err
	}
	return g.err
}
