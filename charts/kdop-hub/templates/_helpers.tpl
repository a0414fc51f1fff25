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
