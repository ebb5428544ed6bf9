package clients

import "fmt"

// format reads and edits one kind of client file.
type format interface {
	// kind names the format in sentences: "JSON", "JSONC", "TOML", "YAML".
	kind() string
	// parse reads src (nil or empty for a file that does not exist yet) into a document that
	// can be edited. Errors are *syntaxError or *contentError.
	parse(src []byte) (document, error)
	// meaning is what src says with MCP Tray's own entries, and the entry skip, taken out:
	// two contents with equal meanings differ only in MCP Tray's entries. It backs verifyEdit.
	meaning(src []byte, skip string) (any, error)
}

// document is one parsed client file. Edits change it in memory; bytes renders it, keeping
// every byte that is not part of an edited entry.
type document interface {
	// servers lists the entries in file order.
	servers() []Server
	// add appends MCP Tray's entry e under key, which is not in use.
	add(key string, e Entry) error
	// update makes the entry of ours at key start e, changing as little as possible (other
	// settings the person gave the entry stay); false when it already did.
	update(key string, e Entry) (bool, error)
	// replace turns the entry at key into MCP Tray's entry e, dropping all it held.
	replace(key string, e Entry) error
	// remove deletes the entry at key.
	remove(key string) error
	bytes() []byte
}

// reconcile changes doc so that MCP Tray's entries are exactly want. Entries of ours are
// matched by the server they connect to (Args[1]), not by their key, so an entry renamed
// because of a clash is recognised on the next run.
func reconcile(doc document, want []Entry) (Result, error) {
	var res Result
	wanted := make(map[string]bool, len(want))
	for _, e := range want {
		wanted[e.Name] = true
	}
	servers := doc.servers()
	used := make(map[string]string, len(servers)) // key → who holds it, for clash messages
	for _, s := range servers {
		used[s.Key] = "theirs"
		if s.Ours {
			used[s.Key] = "ours"
		}
	}
	kept := map[string]string{} // server name → key of the entry that stays
	for _, s := range servers {
		if !s.Ours {
			continue
		}
		if wanted[s.ServerName] && kept[s.ServerName] == "" {
			kept[s.ServerName] = s.Key
			continue
		}
		if err := doc.remove(s.Key); err != nil {
			return Result{}, err
		}
		delete(used, s.Key)
		if wanted[s.ServerName] {
			res.Updated = appendOnce(res.Updated, s.ServerName) // a duplicate went away
		} else {
			res.Removed = appendOnce(res.Removed, s.ServerName)
		}
	}
	for _, e := range want {
		if key, ok := kept[e.Name]; ok {
			changed, err := doc.update(key, e)
			if err != nil {
				return Result{}, err
			}
			if changed {
				res.Updated = appendOnce(res.Updated, e.Name)
			}
			continue
		}
		key := freeKey(e.Name, used)
		if err := doc.add(key, e); err != nil {
			return Result{}, err
		}
		used[key] = "ours"
		res.Added = append(res.Added, e.Name)
		if key != e.Name {
			res.Renamed = append(res.Renamed, Rename{
				Server: e.Name, Key: key,
				Reason: fmt.Sprintf("An entry called %q that MCP Tray did not add is already there, so MCP Tray's server %q is listed as %q.", e.Name, e.Name, key),
			})
		}
	}
	return res, nil
}

// freeKey is name, or name-mcptray, name-mcptray-2, … whichever is free first.
func freeKey(name string, used map[string]string) string {
	if _, taken := used[name]; !taken {
		return name
	}
	key := name + "-mcptray"
	for i := 2; ; i++ {
		if _, taken := used[key]; !taken {
			return key
		}
		key = fmt.Sprintf("%s-mcptray-%d", name, i)
	}
}

func appendOnce(list []string, s string) []string {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}
