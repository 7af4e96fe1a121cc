#!/usr/bin/env python3
"""The folder dependency list of src/ (which folder's code names a type declared in which other
folder), the loops among them, and the largest types. Exits 1 when folders depend on each other in
a loop: each folder is one concern, and a loop means two concerns can no longer be understood (or
changed) apart.

Name-based, not a compiler: a member named like a type of another folder would count, so member
accesses, member declarations and object-initializer members are skipped, and private nested
types own no name.

    scripts/folder-dependencies.py [ROOT] [FOLDER...]   FOLDER: also print why its edges exist
"""
import collections
import os
import re
import sys

root = sys.argv[1] if len(sys.argv) > 1 else '.'
explain = set(sys.argv[2:])
src = os.path.join(root, 'src')
type_declaration = re.compile(
    r'^\s*((?:public|internal|private|protected|file|static|sealed|abstract|partial|readonly|ref|unsafe)\s+)*'
    r'(?:record\s+(?:class|struct)\s+|class\s+|record\s+|struct\s+|interface\s+|enum\s+)(\w+)', re.M)
identifier = re.compile(r'\b[A-Z]\w*\b')

files = {}  # path -> (project, folder, text)
for project in sorted(os.listdir(src)):
    for directory, _, names in os.walk(os.path.join(src, project)):
        relative = os.path.relpath(directory, os.path.join(src, project))
        if relative.split('/')[0] in ('bin', 'obj'):
            continue
        folder = project if relative == '.' else project + '/' + relative.split('/')[0]
        for name in names:
            if name.endswith('.cs'):
                path = os.path.join(directory, name)
                with open(path, encoding='utf-8') as f:
                    files[path] = (project, folder, f.read())

owners = {}                      # type name -> folders declaring it
sizes = collections.Counter()    # (project, type) -> lines, summed over partial files
for path, (project, folder, text) in files.items():
    declared = list(type_declaration.finditer(text))
    for match in declared:
        if not re.search(r'\bprivate\b', match.group(0)):
            owners.setdefault(match.group(2), set()).add(folder)
    top_level = [m for m in declared if not m.group(0).lstrip('\n').startswith(' ')]
    if top_level:
        sizes[(project, top_level[0].group(2))] += text.count('\n')

edges = collections.defaultdict(set)
why = collections.defaultdict(set)
for path, (project, folder, text) in files.items():
    body = re.sub(r'//.*', '', text)
    body = re.sub(r'"(?:[^"\\\n]|\\.)*"', '""', body)
    own = {m.group(2) for m in type_declaration.finditer(text)}
    for match in identifier.finditer(body):
        word = match.group(0)
        before = body[max(0, match.start() - 40):match.start()]
        after = body[match.end():match.end() + 4]
        if word in own or len(owners.get(word, ())) != 1:
            continue
        if before.endswith('.') and not re.search(r'Backup\.[\w.]*\.$', before):
            continue  # x.Name: a member, unless the qualifier is one of our namespaces
        if re.match(r'\s*(\{|=>)', after) and re.search(r'\b\w+[?>\]]?\s+$', before):
            continue  # Type Name { get; }: a member declaration
        if re.match(r'\s*=[^=>]', after) and re.search(r'[{,]\s*$', before):
            continue  # new X { Name = value }: an initializer's member
        target = next(iter(owners[word]))
        if target != folder:
            edges[folder].add(target)
            why[(folder, target)].add(f'{os.path.basename(path)}:{word}')

folders = sorted({folder for _, folder, _ in files.values()})
print('## Folder dependencies')
for folder in folders:
    print(f'{folder} -> {", ".join(sorted(edges[folder])) or "(none)"}')

# Tarjan's strongly connected components: every component of more than one folder is a loop.
index, low, stack, on_stack, loops, counter = {}, {}, [], set(), [], [0]
sys.setrecursionlimit(10000)


def visit(v):
    index[v] = low[v] = counter[0]
    counter[0] += 1
    stack.append(v)
    on_stack.add(v)
    for w in edges[v]:
        if w not in index:
            visit(w)
            low[v] = min(low[v], low[w])
        elif w in on_stack:
            low[v] = min(low[v], index[w])
    if low[v] == index[v]:
        component = []
        while True:
            w = stack.pop()
            on_stack.discard(w)
            component.append(w)
            if w == v:
                break
        if len(component) > 1:
            loops.append(sorted(component))


for folder in folders:
    if folder not in index:
        visit(folder)
print('\n## Loops')
print('\n'.join(' <-> '.join(loop) for loop in loops) or '(none)')
print('\n## Largest types (lines, partial files summed)')
for (project, name), lines in sizes.most_common(5):
    print(f'{lines:5} {project}:{name}')
if explain:
    print('\n## Why')
    for (a, b), reasons in sorted(why.items()):
        if a in explain or b in explain:
            print(f'{a} -> {b}: {", ".join(sorted(reasons)[:8])}')
sys.exit(1 if loops else 0)
