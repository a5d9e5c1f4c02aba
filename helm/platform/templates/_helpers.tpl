{{/* Chart name. */}}
{{- define "platform.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Release-scoped base name; the gateway Service and the monolith Deployment use it as is. */}}
{{- define "platform.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "platform.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "platform.selectorLabels" -}}
app.kubernetes.io/name: {{ include "platform.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "platform.labels" -}}
helm.sh/chart: {{ include "platform.chart" . }}
{{ include "platform.selectorLabels" . }}
app.kubernetes.io/version: {{ (.Values.image.tag | default .Chart.AppVersion) | toString | trunc 63 | trimSuffix "-" | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: platform
{{- end -}}

{{- define "platform.image" -}}
{{- if .Values.image.digest -}}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion | toString) -}}
{{- end -}}
{{- end -}}

{{- define "platform.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "platform.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* Name of the chart-managed Secret (only rendered when secretEnv has keys). */}}
{{- define "platform.secretName" -}}
{{- printf "%s-chart-env" (include "platform.fullname" .) -}}
{{- end -}}

{{/*
The workloads of the selected mode, as YAML: component name -> settings.
  monolith: { monolith: { roles: all, gateway: true, name: <fullname>, values: .Values.monolith } }
  split:    { gateway: { roles: gateway, gateway: true, name: <fullname>-gateway, ... }, auth: ... }
*/}}
{{- define "platform.components" -}}
{{- $full := include "platform.fullname" . -}}
{{- if eq .Values.mode "split" -}}
{{- range $part := list "gateway" "auth" "users" "payments" "analytics" }}
{{ $part }}:
  roles: {{ $part }}
  gateway: {{ eq $part "gateway" }}
  name: {{ printf "%s-%s" $full $part | trunc 63 | trimSuffix "-" }}
  values: {{ index $.Values.parts $part | toJson }}
{{- end }}
{{- else -}}
monolith:
  roles: all
  gateway: true
  name: {{ $full }}
  values: {{ .Values.monolith | toJson }}
{{- end -}}
{{- end -}}

{{/* Labels that select one component's pods. */}}
{{- define "platform.componentSelector" -}}
{{ include "platform.selectorLabels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/* Fails the render with a clear message when required settings are missing. */}}
{{- define "platform.validate" -}}
{{- $all := merge (dict) .Values.env .Values.secretEnv -}}
{{- $missing := list -}}
{{- if not .Values.existingSecret -}}
{{- $required := list "DATABASE_URL" "REDIS_URL" "JWT_SECRET" "MFA_ENCRYPTION_KEY" -}}
{{- if eq .Values.mode "split" }}{{ $required = append $required "NATS_URL" }}{{ end -}}
{{- range $key := $required -}}
{{- if not (index $all $key) }}{{ $missing = append $missing $key }}{{ end -}}
{{- end -}}
{{- if $missing -}}
{{- fail (printf "\n\nmissing configuration: %s.\nSet existingSecret to a Secret holding them (kubectl -n %s create secret generic platform-env --from-literal=DATABASE_URL=... ), or set secretEnv.<KEY> (NATS_URL may also go in env)." (join ", " $missing) .Release.Namespace) -}}
{{- end -}}
{{- end -}}
{{- with .Values.secretEnv.JWT_SECRET -}}
{{- if lt (len (toString .)) 32 -}}
{{- fail "secretEnv.JWT_SECRET must be at least 32 bytes (the platform refuses to start in production with a shorter one)" -}}
{{- end -}}
{{- end -}}
{{- if .Values.env.JWT_SECRET -}}
{{- fail "JWT_SECRET is a secret: put it in existingSecret or secretEnv, not in env" -}}
{{- end -}}
{{- if and .Values.ingress.enabled (not .Values.ingress.hosts) -}}
{{- fail "ingress.enabled needs at least one entry in ingress.hosts" -}}
{{- end -}}
{{- end -}}

{{/* envFrom shared by the Deployments and the migration Job. */}}
{{- define "platform.envFrom" -}}
{{- $secretName := .secretName -}}
{{- with .root.Values.existingSecret }}
- secretRef:
    name: {{ . }}
{{- end }}
{{- if .root.Values.secretEnv }}
- secretRef:
    name: {{ $secretName }}
{{- end }}
{{- with .root.Values.extraEnvFrom }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/*
Environment of a platform container. Keys set here win over the Secrets (envFrom).
Args: root, roles, componentEnv, migrationsRun.
*/}}
{{- define "platform.env" -}}
{{- $root := .root -}}
{{- $fixed := dict "APP_ROLES" .roles "PORT" (toString $root.Values.ports.http) "HEALTH_PORT" (toString $root.Values.ports.health) "HOST" "0.0.0.0" "MIGRATIONS_RUN" .migrationsRun -}}
{{- $plain := merge (dict) .componentEnv $root.Values.env -}}
{{- if and $root.Values.ingress.enabled (not (hasKey $plain "PUBLIC_URL")) -}}
{{- $host := (first $root.Values.ingress.hosts).host -}}
{{- $_ := set $plain "PUBLIC_URL" (printf "%s://%s" (ternary "https" "http" (gt (len $root.Values.ingress.tls) 0)) $host) -}}
{{- end -}}
{{- range $k := keys $fixed | sortAlpha }}
- name: {{ $k }}
  value: {{ index $fixed $k | quote }}
{{- end }}
{{- range $k := keys $plain | sortAlpha }}
{{- if not (hasKey $fixed $k) }}
- name: {{ $k }}
  value: {{ index $plain $k | toString | quote }}
{{- end }}
{{- end }}
{{- with $root.Values.extraEnv }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{- define "platform.tmpVolume" -}}
- name: tmp
  emptyDir:
    sizeLimit: {{ .Values.tmpVolume.sizeLimit }}
{{- end -}}
