# TDSLConfig.cmake - find_package(TDSL) for projects that compile .tdsl files:
#   find_package(TDSL REQUIRED)
#   tdsl_add_library(model SOURCES model.tdsl [SCHEDULE model.sched.tdsl]
#                    [TARGET host|x86-64-v3|aarch64] [INCLUDE_DIRS dir...] [OPTIONS -O2 ...])
#   target_link_libraries(app PRIVATE model)      # and #include "model.h"
# tdsl_add_library runs tdslc at build time (again when a source or schedule
# changes) and gives a static library whose users see the generated header.
# Installed as PREFIX/lib/cmake/TDSL/; everything is found relative to it.
cmake_minimum_required(VERSION 3.13)
get_filename_component(TDSL_PREFIX "${CMAKE_CURRENT_LIST_DIR}/../../.." ABSOLUTE)
set(TDSL_INCLUDE_DIRS "${TDSL_PREFIX}/include")
set(TDSL_STDLIB_DIR "${TDSL_PREFIX}/share/tdsl/stdlib")
find_program(TDSL_TDSLC tdslc PATHS "${TDSL_PREFIX}/bin" NO_DEFAULT_PATH)
if(NOT TDSL_TDSLC)
  set(TDSL_FOUND FALSE)
  set(TDSL_NOT_FOUND_MESSAGE "no tdslc in ${TDSL_PREFIX}/bin")
  return()
endif()
if(NOT TARGET TDSL::tdslc)
  add_executable(TDSL::tdslc IMPORTED)
  set_target_properties(TDSL::tdslc PROPERTIES IMPORTED_LOCATION "${TDSL_TDSLC}")
endif()
# what every generated object needs: libm (f64 math) and pthreads (the pool)
find_package(Threads REQUIRED)
if(NOT TARGET TDSL::runtime)
  add_library(TDSL::runtime INTERFACE IMPORTED)
  set_target_properties(TDSL::runtime PROPERTIES
    INTERFACE_INCLUDE_DIRECTORIES "${TDSL_INCLUDE_DIRS}"
    INTERFACE_LINK_LIBRARIES "Threads::Threads;m")
endif()

function(tdsl_add_library name)
  cmake_parse_arguments(PARSE_ARGV 1 ARG "" "TARGET" "SOURCES;SCHEDULE;INCLUDE_DIRS;OPTIONS")
  if(ARG_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "tdsl_add_library(${name}): unknown arguments ${ARG_UNPARSED_ARGUMENTS}")
  endif()
  if(NOT ARG_SOURCES)
    message(FATAL_ERROR "tdsl_add_library(${name}): no SOURCES")
  endif()
  set(dir "${CMAKE_CURRENT_BINARY_DIR}/tdsl/${name}")
  set(obj "${dir}/${name}.o")
  set(hdr "${dir}/${name}.h")
  set(args "")
  set(deps "")
  foreach(f IN LISTS ARG_SOURCES)
    get_filename_component(f "${f}" ABSOLUTE)
    list(APPEND args "${f}")
    list(APPEND deps "${f}")
  endforeach()
  foreach(f IN LISTS ARG_SCHEDULE)
    get_filename_component(f "${f}" ABSOLUTE)
    list(APPEND args --schedule "${f}")
    list(APPEND deps "${f}")
  endforeach()
  foreach(d IN LISTS ARG_INCLUDE_DIRS)
    get_filename_component(d "${d}" ABSOLUTE)
    list(APPEND args -I "${d}")
  endforeach()
  if(ARG_TARGET)
    list(APPEND args --target "${ARG_TARGET}")
  endif()
  add_custom_command(OUTPUT "${obj}" "${hdr}"
    COMMAND "${CMAKE_COMMAND}" -E make_directory "${dir}"
    COMMAND TDSL::tdslc ${args} ${ARG_OPTIONS} -o "${obj}" --header "${hdr}"
    DEPENDS ${deps} "${TDSL_TDSLC}"
    COMMENT "tdslc: ${name}.o and ${name}.h"
    VERBATIM)
  set_source_files_properties("${obj}" PROPERTIES EXTERNAL_OBJECT TRUE GENERATED TRUE)
  add_library(${name} STATIC "${obj}" "${hdr}")
  # an archive of one object: any enabled language can drive ar
  get_property(langs GLOBAL PROPERTY ENABLED_LANGUAGES)
  if("C" IN_LIST langs)
    set_target_properties(${name} PROPERTIES LINKER_LANGUAGE C)
  else()
    set_target_properties(${name} PROPERTIES LINKER_LANGUAGE CXX)
  endif()
  target_include_directories(${name} PUBLIC "${dir}")
  target_link_libraries(${name} PUBLIC TDSL::runtime)
endfunction()
