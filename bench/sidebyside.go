package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
)

// sideBySide prints the measures of several runs of bench --json (files of its output; lines
// that are not a measure are skipped, so a log with the progress in it will do) as one table, a
// column each, with the last column's ratio to the first: e.g. 1M and 10M entries side by side.
func sideBySide(w io.Writer, files []string) error {
	var names []string
	seen := map[string]bool{}
	runs := make([]map[string]measure, len(files))
	for i, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		runs[i] = map[string]measure{}
		sc := bufio.NewScanner(strings.NewReader(string(b)))
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			var x measure
			if !strings.HasPrefix(sc.Text(), "{") || json.Unmarshal(sc.Bytes(), &x) != nil || x.Name == "" {
				continue
			}
			if !seen[x.Name] {
				seen[x.Name] = true
				names = append(names, x.Name)
			}
			runs[i][x.Name] = x
		}
		if len(runs[i]) == 0 {
			return fmt.Errorf("%s: no measure of bench --json in it", f)
		}
	}
	fmt.Fprint(w, "| measure | unit |")
	for i, f := range files {
		fmt.Fprintf(w, " %s entries (%s) |", group(int(runs[i]["log.entries"].Value)), f)
	}
	fmt.Fprint(w, " last / first | targets |\n|---|---|")
	fmt.Fprint(w, strings.Repeat("---|", len(files)+2)+"\n")
	for _, name := range names {
		unit, targets := "", []string{}
		fmt.Fprintf(w, "| %s |", name)
		var cells []string
		for _, r := range runs {
			x, ok := r[name]
			if !ok {
				cells = append(cells, "—")
				continue
			}
			unit = x.Unit
			cells = append(cells, value(x))
			if x.Target != nil {
				t := value(measure{Value: x.Target.Min, Unit: x.Unit})
				if x.Target.Max != 0 {
					t = "≤ " + value(measure{Value: x.Target.Max, Unit: x.Unit})
				} else {
					t = "≥ " + t
				}
				if len(targets) == 0 || targets[len(targets)-1] != t {
					targets = append(targets, t)
				}
			}
		}
		ratio := "—"
		first, ok1 := runs[0][name]
		last, ok2 := runs[len(runs)-1][name]
		if ok1 && ok2 && first.Value != 0 {
			ratio = fmt.Sprintf("%.2f×", last.Value/first.Value)
		}
		fmt.Fprintf(w, " %s | %s | %s | %s |\n", unit, strings.Join(cells, " | "), ratio, strings.Join(targets, " / "))
	}
	return nil
}

// value writes a measure's value for a reader: bytes in MB, seconds in ms or s, rates grouped.
func value(x measure) string {
	switch x.Unit {
	case "bytes":
		return fmt.Sprintf("%.0f MB", x.Value/1e6)
	case "s":
		if x.Value < 1 {
			return fmt.Sprintf("%.3g ms", x.Value*1e3)
		}
		return fmt.Sprintf("%.3g s", x.Value)
	case "%":
		return fmt.Sprintf("%.0f%%", x.Value)
	default:
		if x.Value >= 1000 {
			return group(int(x.Value))
		}
		return fmt.Sprintf("%.3g", x.Value)
	}
}
