#!/usr/bin/env python3
"""mumtool graph --format dot carries a legend (TAP): a cluster subgraph
"cluster_legend" labelled Legend with a sample node for every node kind
(with the shape the graph gives that kind), a sample edge for every edge
kind (labelled with the kind's name, as the graph's edges are), and the
colour of a finding (red, as a missing target is drawn).  Graphviz's dot
must accept the output (skipped when graphviz is absent)."""
import glob
import os
import re
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from taplib import Tap, mumtool, srcdir  # noqa: E402


def legend_of(dot):
    """The body of the legend cluster, or None."""
    m = re.search(r"subgraph cluster_legend \{\n(.*?)\n  \}\n", dot, re.S)
    return m.group(1) if m else None


t = Tap()
S = os.path.join(srcdir(), "samples")
V1 = sorted(glob.glob(os.path.join(S, "kb943650", "*.msu")))
BROKEN = os.path.join(S, "broken", "missing-subpackage")

rc, dot, err = mumtool("graph", "--format", "dot", *V1)
legend = legend_of(dot)
t.ok(rc == 0 and legend is not None and 'label="Legend"' in legend,
     "the dot output has a cluster subgraph labelled Legend", dot[-3000:] + err)
legend = legend or ""
outside = dot.replace(legend, "")
shapes = {
    "package": "box", "component": "ellipse", "deployment": "ellipse", "catalog": "note", "payload": "plaintext",
}
for kind, shape in shapes.items():
    t.ok(re.search(r"legend_node_%s \[shape=%s[,\]]" % (kind, shape), legend),
         "node kind %s: a sample node of shape %s" % (kind, shape), legend)
t.ok(re.search(r"legend_node_deployment \[shape=ellipse, style=dashed", legend),
     "deployments are dashed in the legend, as in the graph", legend)
used = set(re.findall(r"\bn\d+ \[shape=(\w+)", outside))
t.ok(used and used <= set(shapes.values()), "every node shape the graph uses is in the legend", used)
for kind in ("package", "component", "driver", "dependency", "file", "catalog"):
    t.ok(re.search(r'"legend_edge_%s_a" -> "legend_edge_%s_b" \[label="%s"\]' % (kind, kind, kind), legend),
         "edge kind %s: a sample edge with its label" % kind, legend)
edge_labels = set(re.findall(r'\bn\d+ -> [nm]\d+ \[(?:color=red, )?label="([a-z]+)"\]', outside))
t.ok(edge_labels and all('"legend_edge_%s_a"' % k in legend for k in edge_labels),
     "every edge label the graph uses is in the legend", edge_labels)
t.ok(re.search(r"legend_finding \[shape=box, style=dashed, color=red, fontcolor=red, label=\"red: a finding",
               legend) and "legend_finding_from -> legend_finding [color=red" in legend,
     "the finding colour: red, as a missing target is drawn", legend)

rc, dot2, err = mumtool("graph", "--format", "dot", "--no-files", *V1)
legend2 = legend_of(dot2) or ""
t.ok(rc == 0 and legend2 and "legend_edge_file" not in legend2 and "legend_node_payload" not in legend2
     and "legend_edge_component" in legend2,
     "--no-files: the legend leaves out what the graph leaves out (files)", legend2)

rc, dot3, err = mumtool("graph", "--format", "dot", BROKEN)
red = [line for line in dot3.replace(legend_of(dot3) or "", "").splitlines() if "color=red" in line]
t.ok(legend_of(dot3) is not None and red, "a graph with a missing target: red nodes and the legend", dot3[-2000:])

graphviz = shutil.which("dot")
if not graphviz:
    for what in ("dot -Tsvg accepts the graph with its legend", "dot -Tsvg accepts the broken sample's graph"):
        t.skip(what, "graphviz (dot) is not installed (tools/install-deps)")
else:
    for what, text in (("the graph with its legend", dot), ("the broken sample's graph", dot3)):
        r = subprocess.run([graphviz, "-Tsvg"], input=text.encode(), stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=120)
        svg = r.stdout.decode("utf-8", "replace")
        t.ok(r.returncode == 0 and not r.stderr and "<svg" in svg and ">Legend</text>" in svg,
             "dot -Tsvg accepts %s, without a warning, and draws the legend" % what,
             r.stderr.decode("utf-8", "replace")[:2000])

t.done()
