/**
 * A large real-world-shaped mapping, generated: the shape of the Elastic Common Schema
 * (its field sets, their reuse under other objects — `geo` under client / server /
 * source / destination / host / observer, `user` under source / destination / process …,
 * `hash` / `pe` / `elf` / `code_signature` / `x509` under file, dll, process, tls …),
 * with what makes ECS hard for a schema tool: ~1,200 fields; keyword fields with a
 * multi-field named `text` (62 of them in ECS); `wildcard` fields; `flattened` (Elastic) /
 * `flat_object` (OpenSearch) fields; a `nested` field; root dynamic templates; objects
 * left open to dynamic mapping (`labels`, `numeric_labels`, `container.labels`).
 * Field names follow ECS's, but the mapping is generated here (no ECS file is copied).
 *
 * A node lacks some types (Elasticsearch's test distribution has no `wildcard` and no
 * `match_only_text`): `types` says what stands in, so the shape stays and the test says so.
 */

type Rec = Record<string, unknown>;

export interface EcsTypes {
  /** `wildcard`, or `keyword` where the node has none. */
  wildcard: 'wildcard' | 'keyword';
  /** The type of the `text` multi-fields: `match_only_text`, or `text`. */
  text: 'match_only_text' | 'text';
  /** `flattened` (Elasticsearch) or `flat_object` (OpenSearch). */
  flat: 'flattened' | 'flat_object';
}

const K = (): Rec => ({ type: 'keyword', ignore_above: 1024 });
const L = (): Rec => ({ type: 'long' });
const F = (): Rec => ({ type: 'float' });
const D = (): Rec => ({ type: 'date' });
const B = (): Rec => ({ type: 'boolean' });
const IP = (): Rec => ({ type: 'ip' });
const GEO = (): Rec => ({ type: 'geo_point' });

/** An object field: its properties as a spec map. */
type Spec = { [name: string]: Rec | Spec | ((t: EcsTypes) => Rec) };

function build(spec: Spec, t: EcsTypes): Rec {
  const props: Rec = {};
  for (const [name, v] of Object.entries(spec)) {
    if (typeof v === 'function') props[name] = v(t);
    else if (typeof v['type'] === 'string' || 'properties' in v) props[name] = v;
    else props[name] = { properties: build(v as Spec, t) };
  }
  return props;
}

/** keyword with a `text` multi-field. */
const KT = (t: EcsTypes): Rec => ({ type: 'keyword', ignore_above: 1024, fields: { text: { type: t.text } } });
/** wildcard with a `text` multi-field. */
const WT = (t: EcsTypes): Rec => ({ type: t.wildcard, ...(t.wildcard === 'keyword' ? { ignore_above: 1024 } : {}), fields: { text: { type: t.text } } });
const W = (t: EcsTypes): Rec => ({ type: t.wildcard, ...(t.wildcard === 'keyword' ? { ignore_above: 1024 } : {}) });
const FLAT = (t: EcsTypes): Rec => ({ type: t.flat });

const geo: Spec = {
  city_name: K(), continent_code: K(), continent_name: K(), country_iso_code: K(), country_name: K(),
  location: GEO(), name: K(), postal_code: K(), region_iso_code: K(), region_name: K(), timezone: K(),
};
const as: Spec = { number: L(), organization: { name: KT } };
const os: Spec = { family: K(), full: KT, kernel: K(), name: KT, platform: K(), type: K(), version: K() };
const hash: Spec = { md5: K(), sha1: K(), sha256: K(), sha384: K(), sha512: K(), ssdeep: K(), tlsh: K() };
const codeSignature: Spec = {
  digest_algorithm: K(), exists: B(), signing_id: K(), status: K(), subject_name: K(), team_id: K(), timestamp: D(), trusted: B(), valid: B(),
};
const pe: Spec = {
  architecture: K(), company: K(), description: K(), file_version: K(), go_import_hash: K(), go_imports: FLAT, go_stripped: B(), imphash: K(),
  import_hash: K(), original_file_name: K(), pehash: K(), product: K(),
  sections: { entropy: L(), name: K(), physical_size: L(), var_entropy: L(), virtual_size: L() },
};
const elf: Spec = {
  architecture: K(), byte_order: K(), cpu_type: K(), creation_date: D(), exports: FLAT, go_import_hash: K(), go_stripped: B(),
  header: { abi_version: K(), class: K(), data: K(), entrypoint: L(), object_version: K(), os_abi: K(), type: K(), version: K() },
  import_hash: K(), imports: FLAT, packers: K(), shared_libraries: K(), telfhash: K(),
  sections: { chi2: L(), entropy: L(), flags: K(), name: K(), physical_offset: K(), physical_size: L(), type: K(), virtual_address: L(), virtual_size: L() },
  segments: { sections: K(), type: K() },
};
const macho: Spec = { go_import_hash: K(), go_stripped: B(), import_hash: K(), symhash: K(), sections: { entropy: L(), name: K(), physical_size: L(), virtual_size: L() } };
const dn: Spec = { common_name: K(), country: K(), distinguished_name: K(), locality: K(), organization: K(), organizational_unit: K(), state_or_province: K() };
const x509: Spec = {
  alternative_names: K(), issuer: dn, not_after: D(), not_before: D(), public_key_algorithm: K(), public_key_curve: K(),
  public_key_exponent: { type: 'long', index: false, doc_values: false }, public_key_size: L(), serial_number: K(), signature_algorithm: K(), subject: dn, version_number: K(),
};
const group: Spec = { domain: K(), id: K(), name: K() };
const userBase: Spec = { domain: K(), email: K(), full_name: KT, hash: K(), id: K(), name: KT, roles: K(), group };
const user: Spec = { ...userBase, changes: userBase, effective: userBase, target: userBase, risk: { calculated_level: K(), calculated_score: F(), static_level: K(), static_score: F() } };
const file: Spec = {
  accessed: D(), attributes: K(), created: D(), ctime: D(), device: K(), directory: K(), drive_letter: K(), extension: K(), fork_name: K(),
  gid: K(), group: K(), inode: K(), mime_type: K(), mode: K(), mtime: D(), name: K(), owner: K(), path: KT, size: L(), target_path: KT, type: K(), uid: K(),
  hash, code_signature: codeSignature, pe, elf, macho, x509,
};
const processBase: Spec = {
  args: K(), args_count: L(), command_line: WT, entity_id: K(), executable: KT, exit_code: L(), interactive: B(), name: KT, pid: L(), vpid: L(),
  start: D(), end: D(), title: KT, uptime: L(), working_directory: KT, thread: { id: L(), name: K(), capabilities: { effective: K(), permitted: K() } },
  user: { id: K(), name: KT }, group: { id: K(), name: K() }, real_user: { id: K(), name: KT }, saved_user: { id: K(), name: KT },
  tty: { char_device: { major: L(), minor: L() } }, env_vars: K(), same_as_process: B(),
};
const leader: Spec = { args: K(), args_count: L(), command_line: WT, entity_id: K(), executable: KT, interactive: B(), name: KT, pid: L(), vpid: L(), start: D(), working_directory: KT, user: { id: K(), name: KT } };
const process: Spec = {
  ...processBase, hash, pe, elf, macho, code_signature: codeSignature,
  io: { text: WT, type: K(), total_bytes_captured: L(), total_bytes_skipped: L(), max_bytes_per_process_exceeded: B() },
  parent: { ...processBase, hash, pe, elf, code_signature: codeSignature, group_leader: { entity_id: K(), pid: L(), start: D(), vpid: L() } },
  entry_leader: { ...leader, parent: { entity_id: K(), pid: L(), start: D(), session_leader: { entity_id: K(), pid: L(), start: D() } } },
  session_leader: { ...leader, parent: { entity_id: K(), pid: L(), start: D() } },
  group_leader: leader,
  previous: { args: K(), args_count: L(), executable: KT },
};
const endpoint: Spec = {
  address: K(), bytes: L(), domain: K(), ip: IP(), mac: K(), packets: L(), port: L(), registered_domain: K(), subdomain: K(), top_level_domain: K(),
  geo, as, user: userBase, nat: { ip: IP(), port: L() },
};
const interfaceSpec: Spec = { alias: K(), id: K(), name: K() };
const vlan: Spec = { id: K(), name: K() };

/** The ECS-shaped mappings (root dynamic templates, labels open to dynamic mapping). */
export function ecsMappings(t: EcsTypes): Rec {
  const spec: Spec = {
    '@timestamp': D(), message: (x) => ({ type: x.text }), tags: K(), labels: { type: 'object' }, numeric_labels: { type: 'object' },
    agent: { build: { original: K() }, ephemeral_id: K(), id: K(), name: K(), type: K(), version: K() },
    client: endpoint, server: endpoint, source: endpoint, destination: endpoint,
    cloud: {
      account: { id: K(), name: K() }, availability_zone: K(), instance: { id: K(), name: K() }, machine: { type: K() },
      origin: { account: { id: K(), name: K() }, availability_zone: K(), instance: { id: K(), name: K() }, provider: K(), region: K(), service: { name: K() } },
      project: { id: K(), name: K() }, provider: K(), region: K(), service: { name: K() },
      target: { account: { id: K(), name: K() }, availability_zone: K(), instance: { id: K(), name: K() }, provider: K(), region: K(), service: { name: K() } },
    },
    container: {
      cpu: { usage: F() }, disk: { read: { bytes: L() }, write: { bytes: L() } }, id: K(), image: { hash: { all: K() }, name: K(), tag: K() },
      labels: { type: 'object' }, memory: { usage: F() }, name: K(), network: { egress: { bytes: L() }, ingress: { bytes: L() } }, runtime: K(), security_context: { privileged: B() },
    },
    data_stream: { dataset: K(), namespace: K(), type: K() },
    device: { id: K(), manufacturer: K(), model: { identifier: K(), name: K() }, serial_number: K() },
    dll: { name: K(), path: K(), hash, code_signature: codeSignature, pe },
    dns: {
      answers: { class: K(), data: K(), name: K(), ttl: L(), type: K() }, header_flags: K(), id: K(), op_code: K(),
      question: { class: K(), name: K(), registered_domain: K(), subdomain: K(), top_level_domain: K(), type: K() }, resolved_ip: IP(), response_code: K(), type: K(),
    },
    ecs: { version: K() },
    email: {
      attachments: { type: 'nested', properties: build({ file: { extension: K(), hash, mime_type: K(), name: K(), size: L() } }, t) },
      bcc: { address: K() }, cc: { address: K() }, content_type: K(), delivery_timestamp: D(), direction: K(), from: { address: K() }, local_id: K(),
      message_id: W, origination_timestamp: D(), reply_to: { address: K() }, sender: { address: K() }, subject: KT, to: { address: K() }, x_mailer: K(),
    },
    // ECS maps error.message as match_only_text; a plain text field here carries the analyzer edit of the tests.
    error: { code: K(), id: K(), message: { type: 'text' }, stack_trace: WT, type: K() },
    event: {
      action: K(), agent_id_status: K(), category: K(), code: K(), created: D(), dataset: K(), duration: L(), end: D(), hash: K(), id: K(), ingested: D(),
      kind: K(), module: K(), original: { type: 'keyword', index: false, doc_values: false }, outcome: K(), provider: K(), reason: K(), reference: K(),
      risk_score: F(), risk_score_norm: F(), sequence: L(), severity: L(), start: D(), timezone: K(), type: K(), url: K(),
    },
    faas: { coldstart: B(), execution: K(), id: K(), name: K(), trigger: { request_id: K(), type: K() }, version: K() },
    file,
    group,
    host: {
      architecture: K(), boot: { id: K() }, cpu: { usage: F() }, disk: { read: { bytes: L() }, write: { bytes: L() } }, domain: K(), geo, hostname: K(), id: K(),
      ip: IP(), mac: K(), name: K(), network: { egress: { bytes: L(), packets: L() }, ingress: { bytes: L(), packets: L() } }, os, pid_ns_ino: K(),
      risk: { calculated_level: K(), calculated_score: F(), static_level: K(), static_score: F() }, type: K(), uptime: L(),
    },
    http: {
      request: { body: { bytes: L(), content: WT }, bytes: L(), id: K(), method: K(), mime_type: K(), referrer: K(), headers: FLAT },
      response: { body: { bytes: L(), content: WT }, bytes: L(), mime_type: K(), status_code: L(), headers: FLAT },
      version: K(),
    },
    log: { file: { path: K() }, level: K(), logger: K(), origin: { file: { line: L(), name: K() }, function: K() }, syslog: { appname: K(), facility: { code: L(), name: K() }, hostname: K(), msgid: K(), priority: L(), procid: K(), severity: { code: L(), name: K() }, version: K() } },
    network: {
      application: K(), bytes: L(), community_id: K(), direction: K(), forwarded_ip: IP(), iana_number: K(), inner: { vlan }, name: K(), packets: L(), protocol: K(), transport: K(), type: K(), vlan,
    },
    observer: {
      egress: { interface: interfaceSpec, vlan, zone: K() }, geo, hostname: K(), ingress: { interface: interfaceSpec, vlan, zone: K() }, ip: IP(), mac: K(), name: K(), os, product: K(),
      serial_number: K(), type: K(), vendor: K(), version: K(),
    },
    orchestrator: { api_version: K(), cluster: { id: K(), name: K(), url: K(), version: K() }, namespace: K(), organization: K(), resource: { annotation: K(), id: K(), ip: IP(), label: K(), name: K(), parent: { type: K() }, type: K() }, type: K() },
    organization: { id: K(), name: KT },
    package: { architecture: K(), build_version: K(), checksum: K(), description: K(), install_scope: K(), installed: D(), license: K(), name: K(), path: K(), reference: K(), size: L(), type: K(), version: K() },
    process,
    registry: { data: { bytes: K(), strings: W, type: K() }, hive: K(), key: K(), path: K(), value: K() },
    related: { hash: K(), hosts: K(), ip: IP(), user: K() },
    rule: { author: K(), category: K(), description: K(), id: K(), license: K(), name: K(), reference: K(), ruleset: K(), uuid: K(), version: K() },
    service: {
      address: K(), environment: K(), ephemeral_id: K(), id: K(), name: K(), node: { name: K(), role: K(), roles: K() }, state: K(), type: K(), version: K(),
      origin: { address: K(), environment: K(), ephemeral_id: K(), id: K(), name: K(), node: { name: K(), role: K(), roles: K() }, state: K(), type: K(), version: K() },
      target: { address: K(), environment: K(), ephemeral_id: K(), id: K(), name: K(), node: { name: K(), role: K(), roles: K() }, state: K(), type: K(), version: K() },
    },
    span: { id: K() },
    threat: {
      feed: { dashboard_id: K(), description: K(), name: K(), reference: K() }, framework: K(),
      group: { alias: K(), id: K(), name: K(), reference: K() },
      indicator: { confidence: K(), description: K(), email: { address: K() }, file: { name: K(), path: KT, size: L(), hash }, first_seen: D(), geo, ip: IP(), last_seen: D(), marking: { tlp: K(), tlp_version: K() }, modified_at: D(), port: L(), provider: K(), reference: K(), scanner_stats: L(), sightings: L(), type: K(), url: { domain: K(), full: WT, original: WT, path: W } },
      software: { alias: K(), id: K(), name: K(), platforms: K(), reference: K(), type: K() },
      tactic: { id: K(), name: K(), reference: K() }, technique: { id: K(), name: KT, reference: K(), subtechnique: { id: K(), name: KT, reference: K() } },
    },
    tls: {
      cipher: K(), client: { certificate: K(), certificate_chain: K(), hash: { md5: K(), sha1: K(), sha256: K() }, issuer: K(), ja3: K(), not_after: D(), not_before: D(), server_name: K(), subject: K(), supported_ciphers: K(), x509 },
      curve: K(), established: B(), next_protocol: K(), resumed: B(),
      server: { certificate: K(), certificate_chain: K(), hash: { md5: K(), sha1: K(), sha256: K() }, issuer: K(), ja3s: K(), not_after: D(), not_before: D(), subject: K(), x509 },
      version: K(), version_protocol: K(),
    },
    trace: { id: K() },
    transaction: { id: K() },
    url: { domain: K(), extension: K(), fragment: K(), full: WT, original: WT, password: K(), path: W, port: L(), query: K(), registered_domain: K(), scheme: K(), subdomain: K(), top_level_domain: K(), username: K() },
    user,
    user_agent: { device: { name: K() }, name: K(), original: KT, os, version: K() },
    vulnerability: { category: K(), classification: K(), description: KT, enumeration: K(), id: K(), reference: K(), report_id: K(), scanner: { vendor: K() }, score: { base: F(), environmental: F(), temporal: F(), version: K() }, severity: K() },
  };
  return {
    date_detection: false,
    dynamic_templates: [
      { labels_as_keyword: { path_match: 'labels.*', match_mapping_type: 'string', mapping: { type: 'keyword', ignore_above: 1024 } } },
      { container_labels: { path_match: 'container.labels.*', match_mapping_type: 'string', mapping: { type: 'keyword', ignore_above: 1024 } } },
      { numeric_labels: { path_match: 'numeric_labels.*', mapping: { type: 'long' } } },
    ],
    properties: build(spec, t),
  };
}

/** Fields of a mappings object: leaves, objects and multi-fields (what the engines count towards their limit). */
export function countFields(mappings: Rec): { fields: number; textMultiFields: number } {
  let fields = 0;
  let textMultiFields = 0;
  const walk = (props: unknown) => {
    if (!props || typeof props !== 'object') return;
    for (const def of Object.values(props as Rec)) {
      fields++;
      const d = def as Rec;
      walk(d['properties']);
      const multi = d['fields'] as Rec | undefined;
      if (multi) {
        fields += Object.keys(multi).length;
        if ('text' in multi) textMultiFields++;
      }
    }
  };
  walk(mappings['properties']);
  return { fields, textMultiFields };
}
