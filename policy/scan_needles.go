package policy

import "sort"

// The rules' needles (cheap substrings that every match of a rule contains) are found in one
// pass over a text with an Aho–Corasick automaton, instead of one substring search per needle
// per sentence: on a long description that pass is most of the scanner's saving.

// needleSet is a set of needle ids, one bit each.
type needleSet []uint64

func (s needleSet) has(id int) bool { return s[id/64]&(1<<(id%64)) != 0 }
func (s needleSet) add(id int)      { s[id/64] |= 1 << (id % 64) }

// anyOf reports whether the set holds one of ids.
func (s needleSet) anyOf(ids []int) bool {
	for _, id := range ids {
		if s.has(id) {
			return true
		}
	}
	return false
}

type acNode struct {
	next []acEdge // sorted by byte
	fail int
	out  []int // ids of the needles that end here (own and through fail links)
}

type acEdge struct {
	b    byte
	node int
}

func (n *acNode) step(b byte) int {
	i := sort.Search(len(n.next), func(i int) bool { return n.next[i].b >= b })
	if i < len(n.next) && n.next[i].b == b {
		return n.next[i].node
	}
	return -1
}

// needleIndex is the automaton over every needle of scanRules.
type needleIndex struct {
	nodes []acNode
	ids   map[string]int
}

func newNeedleIndex(needles []string) *needleIndex {
	x := &needleIndex{nodes: []acNode{{}}, ids: map[string]int{}}
	for _, n := range needles {
		if _, ok := x.ids[n]; ok || n == "" {
			continue
		}
		id := len(x.ids)
		x.ids[n] = id
		cur := 0
		for i := 0; i < len(n); i++ {
			nxt := x.nodes[cur].step(n[i])
			if nxt < 0 {
				nxt = len(x.nodes)
				x.nodes = append(x.nodes, acNode{})
				edges := append(x.nodes[cur].next, acEdge{n[i], nxt})
				sort.Slice(edges, func(a, b int) bool { return edges[a].b < edges[b].b })
				x.nodes[cur].next = edges
			}
			cur = nxt
		}
		x.nodes[cur].out = append(x.nodes[cur].out, id)
	}
	// Failure links, breadth first.
	queue := []int{}
	for _, e := range x.nodes[0].next {
		x.nodes[e.node].fail = 0
		queue = append(queue, e.node)
	}
	for len(queue) > 0 {
		u := queue[0]
		queue = queue[1:]
		for _, e := range x.nodes[u].next {
			f := x.nodes[u].fail
			for f > 0 && x.nodes[f].step(e.b) < 0 {
				f = x.nodes[f].fail
			}
			if s := x.nodes[f].step(e.b); s >= 0 && s != e.node {
				f = s
			} else {
				f = 0
			}
			x.nodes[e.node].fail = f
			x.nodes[e.node].out = append(x.nodes[e.node].out, x.nodes[f].out...)
			queue = append(queue, e.node)
		}
	}
	return x
}

// idsOf maps needles to their ids.
func (x *needleIndex) idsOf(needles []string) []int {
	out := make([]int, 0, len(needles))
	for _, n := range needles {
		if id, ok := x.ids[n]; ok {
			out = append(out, id)
		}
	}
	return out
}

// scan returns the needles found in the whole text and in each part of it, where parts are
// consecutive substrings of text given by their end offsets (a needle counts for the part
// it ends in; needles do not span sentences).
func (x *needleIndex) scan(text string, ends []int) (whole needleSet, parts []needleSet) {
	words := (len(x.ids) + 63) / 64
	whole = make(needleSet, words)
	parts = make([]needleSet, len(ends))
	for i := range parts {
		parts[i] = make(needleSet, words)
	}
	cur, part := 0, 0
	for i := 0; i < len(text); i++ {
		for part < len(ends)-1 && i >= ends[part] {
			part++
		}
		b := text[i]
		for {
			if nxt := x.nodes[cur].step(b); nxt >= 0 {
				cur = nxt
				break
			}
			if cur == 0 {
				break
			}
			cur = x.nodes[cur].fail
		}
		for _, id := range x.nodes[cur].out {
			whole.add(id)
			parts[part].add(id)
		}
	}
	return whole, parts
}
