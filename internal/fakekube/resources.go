package fakekube

import "strings"

// kinds maps the core resources the fake serves to their kinds.
var kinds = map[string]string{
	"namespaces": "Namespace", "pods": "Pod", "events": "Event", "configmaps": "ConfigMap",
	"services": "Service", "nodes": "Node", "secrets": "Secret", "serviceaccounts": "ServiceAccount",
}

var namespaced = map[string]bool{
	"pods": true, "events": true, "configmaps": true, "services": true, "secrets": true, "serviceaccounts": true,
}

// resourceList is the discovery document of the core group.
func resourceList() map[string]any {
	var res []map[string]any
	for name, kind := range kinds {
		res = append(res, map[string]any{
			"name": name, "singularName": strings.ToLower(kind), "namespaced": namespaced[name], "kind": kind,
			"verbs": []string{"create", "delete", "get", "list", "patch", "update", "watch"},
		})
	}
	return map[string]any{"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": "v1", "resources": res}
}

// isList reports whether path lists a known core resource, in a namespace or across all.
func isList(path string) bool {
	parts := strings.Split(strings.TrimPrefix(path, "/api/v1/"), "/")
	switch {
	case len(parts) == 1:
		_, ok := kinds[parts[0]]
		return ok && parts[0] != "namespaces"
	case len(parts) == 3 && parts[0] == "namespaces":
		return namespaced[parts[2]]
	}
	return false
}

// isObject reports whether path names one object of a namespaced core resource.
func isObject(path string) bool {
	parts := strings.Split(strings.TrimPrefix(path, "/api/v1/"), "/")
	return len(parts) == 4 && parts[0] == "namespaces" && namespaced[parts[2]]
}

// object answers a GET of one namespaced object: every name exists.
func object(path string) map[string]any {
	parts := strings.Split(strings.TrimPrefix(path, "/api/v1/"), "/")
	return map[string]any{"kind": kinds[parts[2]], "apiVersion": "v1",
		"metadata": map[string]any{"name": parts[3], "namespace": parts[1], "uid": "uid-" + parts[3], "resourceVersion": "1"}}
}
