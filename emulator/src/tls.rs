//! https for clients that refuse to send bearer tokens over plain http (the official SDKs).
//!
//! At start a throw-away CA and a server certificate it signs (SAN `localhost`, `127.0.0.1`,
//! `::1`) are generated; the CA's PEM is written to a file for clients to trust
//! (`REQUESTS_CA_BUNDLE`, `NODE_EXTRA_CA_CERTS`, reqwest's `add_root_certificate`).

use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, KeyPair,
    KeyUsagePurpose,
};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use std::sync::Arc;

pub struct Generated {
    pub server_config: Arc<rustls::ServerConfig>,
    pub ca_pem: String,
}

pub fn generate() -> Result<Generated, String> {
    let err = |e: rcgen::Error| format!("generating the TLS certificate failed: {e}");
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).map_err(err)?;
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "remote-rendering emulator CA");
    let ca_key = KeyPair::generate().map_err(err)?;
    let ca_cert = ca_params.self_signed(&ca_key).map_err(err)?;

    let mut leaf = CertificateParams::new(vec![
        "localhost".to_owned(),
        "127.0.0.1".to_owned(),
        "::1".to_owned(),
    ])
    .map_err(err)?;
    leaf.distinguished_name
        .push(DnType::CommonName, "remote-rendering emulator");
    leaf.use_authority_key_identifier_extension = true;
    leaf.key_usages = vec![
        KeyUsagePurpose::DigitalSignature,
        KeyUsagePurpose::KeyEncipherment,
    ];
    leaf.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    let leaf_key = KeyPair::generate().map_err(err)?;
    let leaf_cert = leaf.signed_by(&leaf_key, &ca_cert, &ca_key).map_err(err)?;

    let chain = vec![
        CertificateDer::from(leaf_cert.der().to_vec()),
        CertificateDer::from(ca_cert.der().to_vec()),
    ];
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf_key.serialize_der()));
    let mut config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(|e| format!("TLS setup failed: {e}"))?
    .with_no_client_auth()
    .with_single_cert(chain, key)
    .map_err(|e| format!("TLS setup failed: {e}"))?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Generated {
        server_config: Arc::new(config),
        ca_pem: ca_cert.pem(),
    })
}

/// A fresh folder only this user can enter (0700 on Unix), with a random name, removed when
/// the returned handle is dropped: where the CA goes without `--cert-out`.
pub fn private_dir() -> Result<tempfile::TempDir, String> {
    let dir = tempfile::Builder::new()
        .prefix("remote-rendering-emulator-")
        .tempdir()
        .map_err(|e| format!("cannot create a private folder for the CA certificate: {e}"))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o700))
            .map_err(|e| format!("cannot make {} private: {e}", dir.path().display()))?;
    }
    Ok(dir)
}
