{{/* Chart name, truncated to the 63 characters a DNS label allows. */}}
{{- define "flotilla.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Fully qualified app name; leaves room for the component suffixes. */}}
{{- define "flotilla.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 40 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 40 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 40 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "flotilla.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "flotilla.labels" -}}
helm.sh/chart: {{ include "flotilla.chart" . }}
app.kubernetes.io/name: {{ include "flotilla.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: flotilla
{{- end }}

{{/* Selector labels of one component; call with (dict "ctx" $ "component" "apiserver"). */}}
{{- define "flotilla.selectorLabels" -}}
app.kubernetes.io/name: {{ include "flotilla.name" .ctx }}
app.kubernetes.io/instance: {{ .ctx.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "flotilla.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "flotilla.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "flotilla.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{- define "flotilla.apiserverName" -}}
{{- printf "%s-apiserver" (include "flotilla.fullname" .) }}
{{- end }}

{{- define "flotilla.controllerManagerName" -}}
{{- printf "%s-controller-manager" (include "flotilla.fullname" .) }}
{{- end }}

{{/* Secret holding the serving certificate, its CA, the admin token and the kubeconfig. */}}
{{- define "flotilla.pkiSecretName" -}}
{{- printf "%s-pki" (include "flotilla.fullname" .) }}
{{- end }}

{{- define "flotilla.serviceHost" -}}
{{- printf "%s.%s.svc" (include "flotilla.apiserverName" .) .Release.Namespace }}
{{- end }}

{{- define "flotilla.validateValues" -}}
{{- $backend := .Values.apiserver.storage.backend }}
{{- if not (has $backend (list "sqlite" "etcd")) }}
{{- fail (printf "apiserver.storage.backend must be sqlite or etcd, got %q" $backend) }}
{{- end }}
{{- if and (eq $backend "etcd") (empty .Values.apiserver.storage.etcd.endpoints) }}
{{- fail "apiserver.storage.etcd.endpoints must list at least one URL when the backend is etcd" }}
{{- end }}
{{- if not (has .Values.logLevel (list "trace" "debug" "info" "warn" "error")) }}
{{- fail (printf "logLevel must be one of trace, debug, info, warn, error; got %q" .Values.logLevel) }}
{{- end }}
{{- end }}

{{/* Kubeconfig for in-cluster clients; call with (dict "ctx" $ "ca" <pem> "token" <token>). */}}
{{- define "flotilla.kubeconfig" -}}
apiVersion: v1
kind: Config
clusters:
  - name: flotilla
    cluster:
      server: {{ printf "https://%s:%v" (include "flotilla.serviceHost" .ctx) .ctx.Values.apiserver.service.port }}
      certificate-authority-data: {{ .ca | b64enc }}
users:
  - name: admin
    user:
      token: {{ .token }}
contexts:
  - name: flotilla
    context:
      cluster: flotilla
      user: admin
current-context: flotilla
{{- end }}
