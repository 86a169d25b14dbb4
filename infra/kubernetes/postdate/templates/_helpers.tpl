{{/* The release's base name: the release name, unless it already contains the chart's. */}}
{{- define "postdate.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 40 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/* Name of one component's objects: <fullname>-<component>. Call with (list $ "worker"). */}}
{{- define "postdate.componentName" -}}
{{- $root := index . 0 -}}
{{- printf "%s-%s" (include "postdate.fullname" $root) (index . 1) -}}
{{- end -}}

{{- define "postdate.labels" -}}
{{- $root := index . 0 -}}
helm.sh/chart: {{ printf "%s-%s" $root.Chart.Name $root.Chart.Version | replace "+" "_" }}
app.kubernetes.io/managed-by: {{ $root.Release.Service }}
app.kubernetes.io/part-of: postdate
app.kubernetes.io/version: {{ $root.Chart.AppVersion | quote }}
{{ include "postdate.selectorLabels" . }}
{{- end -}}

{{- define "postdate.selectorLabels" -}}
{{- $root := index . 0 -}}
app.kubernetes.io/name: postdate
app.kubernetes.io/instance: {{ $root.Release.Name }}
app.kubernetes.io/component: {{ index . 1 }}
{{- end -}}

{{/* registry/postdate-<component>:tag, or @digest when one is given. */}}
{{- define "postdate.image" -}}
{{- $root := index . 0 -}}
{{- $image := printf "%s/postdate-%s" $root.Values.image.registry (index . 1) -}}
{{- if $root.Values.image.digest -}}
{{- printf "%s@%s" $image $root.Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" $image (default $root.Chart.AppVersion $root.Values.image.tag) -}}
{{- end -}}
{{- end -}}

{{- define "postdate.secretName" -}}
{{- default (printf "%s-secrets" (include "postdate.fullname" .)) .Values.secrets.existingSecret -}}
{{- end -}}

{{/* Whether KEDA scales this component (then its Deployment leaves replicas to the HPA KEDA makes). */}}
{{- define "postdate.kedaScaled" -}}
{{- $root := index . 0 -}}
{{- $c := index . 2 -}}
{{- if and $root.Values.keda.enabled $c.keda $c.keda.enabled -}}true{{- end -}}
{{- end -}}
