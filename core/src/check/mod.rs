//! Checking built artifacts against a policy's rules, and describing an
//! image's provenance.

mod artifact;

pub use artifact::Artifact;
