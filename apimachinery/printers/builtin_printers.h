// The column sets and cell functions of kube-apiserver's 1.32 printers for built-in resources
// (pkg/printers/internalversion), split by area: workloads (pods, deployments, replicasets,
// statefulsets, daemonsets, jobs, cronjobs) and the rest (services, config, nodes, events, RBAC,
// networking, storage, CRDs). Used through TablePrinter::forBuiltin.
#pragma once

#include <optional>
#include <string>

#include "apimachinery/table_printer.h"

namespace flotilla::apimachinery::printers {

// nullopt when kube has no dedicated printer for the resource.
std::optional<TablePrinter> builtinPrinter(const std::string& group, const std::string& resource);

std::optional<TablePrinter> workloadPrinter(const std::string& group, const std::string& resource);
std::optional<TablePrinter> corePrinter(const std::string& group, const std::string& resource);

}  // namespace flotilla::apimachinery::printers
