{{/* The hub's name: <release>-hub, or the release name when it already says so. */}}
{{- define "kdop-hub.fullname" -}}
{{- if contains "hub" .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-hub" .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "kdop-hub.serviceAccountName" -}}
{{- default (include "kdop-hub.fullname" .) .Values.serviceAccount.name -}}
{{- end -}}

{{- define "kdop-hub.labels" -}}
app.kubernetes.io/name: kdop-hub
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "kdop-hub.selectorLabels" -}}
app.kubernetes.io/name: kdop-hub
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* The hub's command line: the chart's values as flags (the real-API tier runs the hub with exactly these). */}}
{{- define "kdop-hub.args" -}}
- --namespace={{ .Release.Namespace }}
- --grpc-port=9443
- --health-port=8080
- --public-address={{ required "set hub.publicAddress to the host:port your Docker hosts dial (for the default NodePort: a node's address and port 30000)" .Values.hub.publicAddress }}
{{- range .Values.hub.tlsSans }}
- --tls-san={{ . }}
{{- end }}
- --heartbeat-interval={{ .Values.hub.heartbeatInterval }}
- --heartbeat-grace={{ .Values.hub.heartbeatGrace }}
- --client-cert-ttl={{ .Values.hub.clientCertTTL }}
- --join-token-ttl={{ .Values.hub.joinTokenTTL }}
- --tunnel-ports={{ .Values.hub.tunnelPorts }}
- --direct-hosts={{ .Values.hub.directHosts }}
- --ca-secret={{ include "kdop-hub.fullname" . }}-ca
- --agent-image={{ .Values.hub.agentImage | default (printf "kdop/edge-agent:%s" .Chart.AppVersion) }}
{{- end -}}
