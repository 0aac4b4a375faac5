//! One module per page.

pub mod account;
pub mod authorisation_form;
pub mod carry_over_file;
pub mod client_packs;
pub mod home;
pub mod invoice;
pub mod invoice_final;
pub mod lists;
pub mod pack_forms;
pub mod patient;
pub mod patient_deceased;
pub mod patient_desk;
pub mod plan;
pub mod plan_lifecycle;
pub mod plan_money;
pub mod portal;
pub mod sell;
pub mod settings;
pub mod soap;
pub mod staff;
pub mod sync;
pub mod sync_folder;
pub mod sync_mappings;
pub mod sync_tokens;
pub mod templates;
