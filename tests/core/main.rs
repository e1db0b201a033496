//! Core integration tests: the library and the CLI against real SQLite files
//! in temporary folders. Each module reads as a specification of one area.
mod people;
mod reports;
mod support;

mod access;
mod accounts;
mod audit;
mod backup;
mod care;
mod cli;
mod employment;
mod errors;
mod exports;
mod firstrun;
mod hostile;
mod hostile_sheets;
mod idnumbers;
mod import;
mod import_footer;
mod import_registers;
mod integrity;
mod kill;
mod mediation;
mod packaging;
mod roster;
mod search;
mod settings;
mod store;
mod sync_crash;
mod sync_files;
mod sync_hostile;
mod sync_key;
mod sync_merge;
mod upgrade;
mod writes;
mod xls;
