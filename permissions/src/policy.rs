//! The policy a user writes: a mode name, or an object of
//! capabilities. Parsing names the field that is wrong and what it expected.

use std::fmt;

use serde::de;
use serde::Deserialize;
use serde::Deserializer;

use crate::PolicyError;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
  #[default]
  Strict,
  #[serde(alias = "off")]
  Unsafe,
  Custom,
}

impl Mode {
  pub fn name(self) -> &'static str {
    match self {
      Mode::Strict => "strict",
      Mode::Unsafe => "unsafe",
      Mode::Custom => "custom",
    }
  }
}

/// `true` (everything), `false` (nothing) or a list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Grant {
  All,
  Nothing,
  List(Vec<String>),
}

impl<'de> Deserialize<'de> for Grant {
  fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
    struct GrantVisitor;
    impl<'de> de::Visitor<'de> for GrantVisitor {
      type Value = Grant;
      fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("true, false or an array of strings")
      }
      fn visit_bool<E: de::Error>(self, value: bool) -> Result<Grant, E> {
        Ok(if value { Grant::All } else { Grant::Nothing })
      }
      fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Grant, A::Error> {
        let mut list = Vec::new();
        while let Some(item) = seq.next_element::<String>()? {
          list.push(item);
        }
        Ok(Grant::List(list))
      }
    }
    deserializer.deserialize_any(GrantVisitor)
  }
}

/// One path or several (`env.files`).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(untagged, expecting = "a path or an array of paths")]
pub enum OneOrMany {
  One(String),
  Many(Vec<String>),
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnvPolicy {
  pub allow: Option<Grant>,
  pub deny: Option<Vec<String>>,
  pub files: Option<OneOrMany>,
}

/// Legacy per-runtime switches the original accepts; only the ones that
/// mean something on threads are read.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct NodeSwitches {
  pub allow_child_process: Option<bool>,
  pub allow_worker: Option<bool>,
  pub allow_addons: Option<bool>,
  pub allow_ffi: Option<bool>,
  pub allow_wasi: Option<bool>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct DenoSwitches {
  pub allow_run: Option<bool>,
  pub lock: Option<serde_json::Value>,
  pub frozen: Option<bool>,
}

/// The object form. Fields left out take the mode's defaults.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PolicyObject {
  /// A JSON Schema reference for editors (docs/policy.schema.json).
  #[serde(rename = "$schema")]
  pub schema: Option<String>,
  pub mode: Option<Mode>,
  pub console: Option<bool>,
  pub cwd: Option<String>,
  pub read: Option<Grant>,
  pub write: Option<Grant>,
  pub deny_read: Option<Vec<String>>,
  pub deny_write: Option<Vec<String>>,
  pub net: Option<Grant>,
  pub deny_net: Option<Vec<String>>,
  pub allow_import: Option<Grant>,
  pub env: Option<EnvPolicy>,
  pub run: Option<Grant>,
  pub deny_run: Option<Vec<String>>,
  pub workers: Option<bool>,
  pub ffi: Option<Grant>,
  pub deny_ffi: Option<Vec<String>>,
  pub sys: Option<Grant>,
  pub deny_sys: Option<Vec<String>>,
  pub wasi: Option<bool>,
  pub node: Option<NodeSwitches>,
  pub deno: Option<DenoSwitches>,
}

/// A policy: `"strict"`, `"unsafe"`, `"custom"`, `"off"`, or an object.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Policy {
  pub object: PolicyObject,
  /// True when the user gave only a mode name (or nothing).
  pub named: bool,
}

impl Default for Policy {
  /// What a pool gets when it names no policy: strict.
  fn default() -> Self {
    Self::named(Mode::Strict)
  }
}

impl Policy {
  pub fn named(mode: Mode) -> Self {
    Self {
      object: PolicyObject {
        mode: Some(mode),
        ..Default::default()
      },
      named: true,
    }
  }

  pub fn mode(&self) -> Mode {
    self.object.mode.unwrap_or_default()
  }

  /// Parse a policy from JSON (a createPool `permission` value or a policy
  /// file). `null` is the default policy.
  pub fn from_json(value: &serde_json::Value) -> Result<Self, PolicyError> {
    match value {
      serde_json::Value::Null => Ok(Self::default()),
      serde_json::Value::String(name) => {
        let mode = match name.as_str() {
          "strict" => Mode::Strict,
          "unsafe" | "off" => Mode::Unsafe,
          "custom" => Mode::Custom,
          other => {
            return Err(PolicyError::Field {
              field: "permission".into(),
              problem: format!("unknown mode \"{other}\", expected \"strict\", \"unsafe\", \"custom\" or \"off\""),
            })
          }
        };
        Ok(Self::named(mode))
      }
      serde_json::Value::Object(_) => {
        let object: PolicyObject = serde_path_to_error::deserialize(value).map_err(|error| PolicyError::Field {
          field: match error.path().to_string().as_str() {
            "." => "permission".into(),
            path => path.to_string(),
          },
          problem: error.into_inner().to_string(),
        })?;
        Ok(Self { object, named: false })
      }
      other => Err(PolicyError::Field {
        field: "permission".into(),
        problem: format!("expected a mode name or an object, got {}", json_kind(other)),
      }),
    }
  }

  /// Parse a policy file's text.
  pub fn from_json_text(text: &str) -> Result<Self, PolicyError> {
    let value: serde_json::Value = serde_json::from_str(text).map_err(|error| PolicyError::Syntax {
      line: error.line(),
      column: error.column(),
      problem: error.to_string(),
    })?;
    Self::from_json(&value)
  }
}

fn json_kind(value: &serde_json::Value) -> &'static str {
  match value {
    serde_json::Value::Null => "null",
    serde_json::Value::Bool(_) => "a boolean",
    serde_json::Value::Number(_) => "a number",
    serde_json::Value::String(_) => "a string",
    serde_json::Value::Array(_) => "an array",
    serde_json::Value::Object(_) => "an object",
  }
}

#[cfg(test)]
mod tests {
  use serde_json::json;

  use super::*;

  #[test]
  fn names_and_the_off_alias() {
    assert_eq!(Policy::from_json(&json!(null)).unwrap().mode(), Mode::Strict);
    assert_eq!(Policy::from_json(&json!("off")).unwrap().mode(), Mode::Unsafe);
    assert_eq!(
      Policy::from_json(&json!({ "mode": "off" })).unwrap().mode(),
      Mode::Unsafe
    );
    assert!(Policy::from_json(&json!("custom")).unwrap().named);
  }

  #[test]
  fn errors_name_the_field_and_what_was_expected() {
    let error = Policy::from_json(&json!({ "read": ["./a", 5] }))
      .unwrap_err()
      .to_string();
    assert!(error.starts_with("read[1]: "), "{error}");
    assert!(error.contains("expected a string"), "{error}");
    let error = Policy::from_json(&json!({ "reed": [] })).unwrap_err().to_string();
    assert!(error.contains("unknown field `reed`"), "{error}");
    let error = Policy::from_json(&json!({ "env": { "allow": "HOME" } }))
      .unwrap_err()
      .to_string();
    assert!(error.starts_with("env.allow: "), "{error}");
    assert!(error.contains("true, false or an array of strings"), "{error}");
    let error = Policy::from_json(&json!({ "mode": "lenient" }))
      .unwrap_err()
      .to_string();
    assert!(error.starts_with("mode: unknown variant `lenient`"), "{error}");
    let error = Policy::from_json(&json!("loose")).unwrap_err().to_string();
    assert!(error.contains("unknown mode \"loose\""), "{error}");
    // A typo in the legacy switches is an error too, not a silent no.
    let error = Policy::from_json(&json!({ "node": { "allowChildProcesses": true } }))
      .unwrap_err()
      .to_string();
    assert!(error.starts_with("node.allowChildProcesses: unknown field"), "{error}");
    assert!(error.contains("expected one of `allowChildProcess`"), "{error}");
    let error = Policy::from_json(&json!({ "deno": { "allow_run": true } }))
      .unwrap_err()
      .to_string();
    assert!(error.starts_with("deno.allow_run: unknown field"), "{error}");
  }

  #[test]
  fn syntax_errors_carry_the_position() {
    let error = Policy::from_json_text("{\n  \"read\": [,]\n}").unwrap_err().to_string();
    assert!(error.starts_with("line 2, column"), "{error}");
  }
}

#[cfg(test)]
mod schema_tests {
  use super::*;

  /// docs/policy.schema.json and this parser agree: every property the
  /// schema lists parses with the schema's own example.
  #[test]
  fn every_schema_property_parses_with_its_example() {
    let schema: serde_json::Value = serde_json::from_str(include_str!("../../docs/policy.schema.json")).unwrap();
    let properties = schema["$defs"]["policy"]["properties"].as_object().unwrap();
    assert!(properties.len() >= 20);
    for (name, property) in properties {
      let example = property["examples"][0].clone();
      assert!(!example.is_null(), "{name} has an example");
      let mut object = serde_json::Map::new();
      object.insert(name.clone(), example);
      if let Err(error) = Policy::from_json(&serde_json::Value::Object(object)) {
        panic!("schema property {name}: {error}");
      }
    }
  }
}
