//! Rebuilds the crate when the web front end's build output changes, so the release binary
//! embeds the current files.

fn main() {
    println!("cargo:rerun-if-changed=../../web/dist");
}
