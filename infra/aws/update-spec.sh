#!/usr/bin/env bash
# Regenerates src/test/resources/cfn-spec-subset.json: the entries of the CloudFormation resource
# specification for the resource types postdate.yaml uses, copied verbatim from the npm package
# @aws-cdk/cfnspec (pinned below), for the offline check in CloudFormationTemplateTest.
# Run it after adding a resource type to the template (the test names a type missing here).
# Needs npm and node; writes nothing else.
set -euo pipefail

PACKAGE="@aws-cdk/cfnspec"
VERSION="2.72.1"
# sha256 of the tarball npm served for that version; a different one means a different spec.
TARBALL_SHA256="fc5567023e4c88a7307aaff1d0312a9fc7ba8364047d3c0fd158fc4840f1282b"

here="$(cd "$(dirname "$0")" && pwd)"
template="$here/postdate.yaml"
out="$here/src/test/resources/cfn-spec-subset.json"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

(cd "$work" && npm pack --silent "$PACKAGE@$VERSION" >/dev/null)
tarball="$(ls "$work"/*.tgz)"
actual="$(sha256sum "$tarball" | cut -d' ' -f1)"
if [[ "$actual" != "$TARBALL_SHA256" ]]; then
  echo "update-spec: $PACKAGE@$VERSION tarball has sha256 $actual, expected $TARBALL_SHA256" >&2
  exit 1
fi
tar -xzf "$tarball" -C "$work" package/spec/specification.json

# Resource types are the values of the resources' Type keys (four spaces in); parameter types such
# as List<AWS::EC2::Subnet::Id> never match the anchored pattern.
types="$(sed -nE 's/^    Type: (AWS::[A-Za-z0-9]+::[A-Za-z0-9]+)[[:space:]]*$/\1/p' "$template" | sort -u)"

PACKAGE="$PACKAGE" VERSION="$VERSION" TARBALL_SHA256="$TARBALL_SHA256" TYPES="$types" \
SPEC="$work/package/spec/specification.json" OUT="$out" node - <<'NODE'
const fs = require('fs');
const spec = JSON.parse(fs.readFileSync(process.env.SPEC, 'utf8'));
const types = process.env.TYPES.split('\n').filter(Boolean);

const resourceTypes = {};
const propertyTypes = {};
const pending = [];
function reference(owner, name) {
  if (!name) return;
  const qualified = `${owner}.${name}`;
  const key = spec.PropertyTypes[qualified] ? qualified : (spec.PropertyTypes[name] ? name : null);
  if (key && !propertyTypes[key]) {
    propertyTypes[key] = spec.PropertyTypes[key];
    pending.push(key);
  }
}
function referencesOf(owner, definition) {
  for (const property of Object.values(definition.Properties || {})) {
    reference(owner, property.Type);
    reference(owner, property.ItemType);
  }
}
for (const type of types) {
  const definition = spec.ResourceTypes[type];
  if (!definition) throw new Error(`${type} is not in the specification`);
  resourceTypes[type] = definition;
  referencesOf(type, definition);
}
while (pending.length) {
  const key = pending.pop();
  referencesOf(key.includes('.') ? key.split('.')[0] : '', propertyTypes[key]);
}

function sorted(value) {
  if (Array.isArray(value)) return value.map(sorted);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).sort().map(k => [k, sorted(value[k])]));
  }
  return value;
}
const subset = {
  Provenance: {
    Package: `${process.env.PACKAGE}@${process.env.VERSION}`,
    File: 'package/spec/specification.json',
    TarballSha256: process.env.TARBALL_SHA256,
    Regenerate: 'infra/aws/update-spec.sh',
  },
  ResourceSpecificationVersion: spec.ResourceSpecificationVersion,
  ResourceTypes: sorted(resourceTypes),
  PropertyTypes: sorted(propertyTypes),
};
fs.writeFileSync(process.env.OUT, JSON.stringify(subset, null, 2) + '\n');
console.log(`${Object.keys(resourceTypes).length} resource types, ${Object.keys(propertyTypes).length} property types -> ${process.env.OUT}`);
NODE
